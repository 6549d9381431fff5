# cognito_revocation: a blocklist table, up to nine Lambda functions and the authorizers on the APIs to protect.
#   authorizer               verifies Cognito JWTs and refuses revoked ones (always)
#   token_trigger            records sessions and injects the session claim (always)
#   admin_signout            the admin API: sign-out everywhere, revoke a session or a token (always)
#   auto_revocation          revocation on Cognito events and by a scheduled sweep (`revoke_on`,
#                            `revocation_sweep_schedule`)
#   logout                   self-service logout behind the authorizer (`logout`)
#   introspection            RFC 7662 introspection at a function URL (`introspection`)
#   token_revocation         RFC 7009 revocation at a function URL (`token_revocation`)
#   shared_signals           Shared Signals receiver at a route of the team's API (`shared_signals`)
#   global_token_revocation  OAuth Global Token Revocation at a route of the team's API (`global_token_revocation`)
# Layout:
#   modules/table            the DynamoDB blocklist (TTL, encryption, PITR, replicas)
#   modules/function         one function with its role, least-privilege policy, log group and permissions
#   modules/api-authorizers  authorizers on REST/HTTP APIs and the authorizer's scoped invoke permissions
#   modules/route            one function at one route of existing REST/HTTP APIs (logout, the two receivers)
# The functions differ only in data — environment (locals.tf and the feature files), policy statements (iam.tf
# and the feature files) and invoke permissions — so they are one entry each in local.all_functions, and one
# `for_each` over modules/function (the token trigger has its own call of the same module: see there).

# Where the module is deployed, known at the first plan (no API call beyond STS GetCallerIdentity), so every
# ARN the module writes — table, pool, permissions — is known before anything exists.
data "aws_partition" "current" {}
data "aws_region" "current" {}
data "aws_caller_identity" "current" {}

module "table" {
  source = "./modules/table"

  create                         = var.create && var.existing_table_name == null
  name                           = local.table_name
  partition                      = local.partition
  region                         = local.region
  account_id                     = local.account_id
  kms_key_arn                    = var.kms_key_arn
  point_in_time_recovery_enabled = var.point_in_time_recovery_enabled
  deletion_protection_enabled    = var.deletion_protection_enabled
  replicas                       = var.table_replicas
  billing_mode                   = var.table_billing_mode
  provisioned_capacity           = var.table_provisioned_capacity
  tags                           = var.tags
}

locals {
  # What differs between the functions. Each key is also the function's key in every per-function input
  # (memory_size, timeout_seconds, reserved_concurrent_executions, s3_existing_package) and output (role_arns, ...).
  all_functions = {
    authorizer = {
      enabled     = true
      name        = "authorizer"
      description = "Verifies Cognito JWTs and refuses revoked ones (cognito-revocation)."
      environment = local.authorizer_environment
      statements  = local.authorizer_policy_statements
      # API Gateway and AppSync permissions are created by module.api_authorizers, next to the authorizers.
      allowed_triggers = {}
    }
    token_trigger = {
      enabled     = true
      name        = "token-trigger"
      description = "Pre-token-generation / post-authentication trigger: records sessions, injects the session claim (cognito-revocation)."
      environment = local.token_trigger_environment
      statements  = local.token_trigger_policy_statements
      allowed_triggers = {
        AllowCognitoUserPool = { principal = "cognito-idp.amazonaws.com", source_arn = local.user_pool_arn }
      }
    }
    admin_signout = {
      enabled     = true
      name        = "admin-signout"
      description = "Signs users out everywhere and revokes sessions and tokens; IAM-invoked only (cognito-revocation)."
      environment = local.admin_signout_environment
      statements  = local.admin_signout_policy_statements
      # No resource-based permission: only IAM principals given admin_invoke_policy_json can invoke it.
      allowed_triggers = {}
    }
    auto_revocation = {
      enabled          = local.auto_revocation_enabled
      name             = "auto-revocation"
      description      = "Revokes users on Cognito events (CloudTrail via EventBridge) and by a scheduled sweep (cognito-revocation)."
      environment      = local.auto_revocation_environment
      statements       = local.auto_revocation_policy_statements
      allowed_triggers = local.auto_revocation_allowed_triggers
    }
    logout = {
      enabled     = local.logout_enabled
      name        = "logout"
      description = "Self-service logout behind the revocation authorizer: ends the caller's own session(s) (cognito-revocation)."
      environment = local.logout_environment
      statements  = local.logout_policy_statements
      # API Gateway may invoke it only from the logout route of each listed API.
      allowed_triggers = module.route["logout"].invoke_permissions
    }
    # The opt-in doors (one file each). The function URLs' public grants are in their files: a URL permission is
    # not a service principal with a source ARN.
    introspection = {
      enabled          = local.introspection_enabled
      name             = "introspection"
      description      = "RFC 7662 token introspection with revocation (cognito-revocation)."
      environment      = local.introspection_environment
      statements       = local.introspection_policy_statements
      allowed_triggers = {}
    }
    token_revocation = {
      enabled          = local.token_revocation_enabled
      name             = "token-revocation"
      description      = "RFC 7009 token revocation through the revocation service (cognito-revocation)."
      environment      = local.token_revocation_environment
      statements       = local.token_revocation_policy_statements
      allowed_triggers = {}
    }
    shared_signals = {
      enabled     = local.shared_signals_enabled
      name        = "shared-signals"
      description = "Shared Signals receiver (RFC 8935 push): CAEP/RISC events from the identity provider revoke users (cognito-revocation)."
      environment = local.shared_signals_environment
      statements  = local.shared_signals_policy_statements
      # API Gateway may invoke it only from the receiver's route of each listed API.
      allowed_triggers = module.route["shared_signals"].invoke_permissions
    }
    global_token_revocation = {
      enabled     = local.global_token_revocation_enabled
      name        = "global-token-revocation"
      description = "OAuth Global Token Revocation: the identity provider ends every session of one user (cognito-revocation)."
      environment = local.global_token_revocation_environment
      statements  = local.global_token_revocation_policy_statements
      # API Gateway may invoke it only from the endpoint's route of each listed API.
      allowed_triggers = module.route["global_token_revocation"].invoke_permissions
    }
  }

  # The functions of the per-function inputs and outputs (memory_size, create_role, role_arns, function_names...).
  # Each opt-in door is sized by its own input and reported by its own output; it always has its own role.
  keyed_functions = ["authorizer", "token_trigger", "admin_signout", "auto_revocation", "logout"]

  # Memory, timeout and reserved concurrency of each function; a door's are null while it is off.
  sizes = merge(
    { for key in local.keyed_functions : key => {
      memory_size                    = var.memory_size[key]
      timeout                        = var.timeout_seconds[key]
      reserved_concurrent_executions = var.reserved_concurrent_executions[key]
    } },
    { for key, door in { introspection = var.introspection, token_revocation = var.token_revocation } :
      key => door == null ? null : {
        memory_size                    = door.memory_size
        timeout                        = door.timeout_seconds
        reserved_concurrent_executions = door.reserved_concurrent_executions
      }
    },
    { for key, door in { shared_signals = var.shared_signals, global_token_revocation = var.global_token_revocation } :
      key => door == null ? null : {
        memory_size                    = door.memory_size
        timeout                        = door.timeout
        reserved_concurrent_executions = door.reserved_concurrent_executions
      }
    },
  )

  # Every function that is on, except the token trigger (its own call, below). `enabled` is known at plan (it reads
  # only inputs), so the for_each keys are too. function_modules: the module instance of each keyed function that
  # is on, for the per-function outputs.
  functions = { for key, fn in local.all_functions : key => fn if fn.enabled && key != "token_trigger" }
}

locals {
  function_modules = { for key, m in merge(module.function, { token_trigger = module.token_trigger }) : key => m if contains(local.keyed_functions, key) }
}

module "function" {
  source   = "./modules/function"
  for_each = local.functions

  create                         = var.create
  name                           = "${var.name_prefix}-${each.value.name}"
  description                    = each.value.description
  package_file                   = "${local.package_dir}/${each.value.name}.zip"
  s3_existing_package            = lookup(var.s3_existing_package, each.key, null)
  runtime                        = var.runtime
  architecture                   = var.architecture
  memory_size                    = local.sizes[each.key].memory_size
  timeout                        = local.sizes[each.key].timeout
  reserved_concurrent_executions = local.sizes[each.key].reserved_concurrent_executions
  environment                    = each.value.environment
  policy_statements              = each.value.statements
  allowed_triggers               = each.value.allowed_triggers
  log_retention_in_days          = var.log_retention_in_days
  kms_key_arn                    = var.kms_key_arn
  tags                           = var.tags

  partition                  = local.partition
  region                     = local.region
  account_id                 = local.account_id
  create_role                = lookup(var.create_role, each.key, true)
  role_arn                   = lookup(var.role_arn, each.key, null)
  role_name                  = local.role_names[each.key]
  role_path                  = var.role_path
  role_permissions_boundary  = var.role_permissions_boundary
  tracing_mode               = var.tracing_mode
  vpc_subnet_ids             = var.vpc_subnet_ids
  vpc_security_group_ids     = var.vpc_security_group_ids
  cloudwatch_logs_kms_key_id = local.logs_kms_key_id
  system_log_level           = var.system_log_level
}

# The token trigger is the one function outside the for_each, for a reason in Terraform's graph: a module call's
# inputs are evaluated for all its instances together, so an instance depends on every instance's inputs. The user
# pool takes the trigger's ARN in its lambda_config, and the other functions' inputs name the pool (USER_POOL_ID,
# the pool's ARN in their policies): with the trigger inside the for_each, a configuration that creates the pool
# next to this module (examples/complete) would be a dependency cycle. Its own call depends on nothing of the pool
# but its invoke permission. Its inputs must therefore name only its own locals, never local.all_functions (whose
# token_trigger entry only describes it for the outputs and the build check).
module "token_trigger" {
  source = "./modules/function"

  create                         = var.create
  name                           = "${var.name_prefix}-token-trigger"
  description                    = "Pre-token-generation / post-authentication trigger: records sessions, injects the session claim (cognito-revocation)."
  package_file                   = "${local.package_dir}/token-trigger.zip"
  s3_existing_package            = lookup(var.s3_existing_package, "token_trigger", null)
  runtime                        = var.runtime
  architecture                   = var.architecture
  memory_size                    = var.memory_size.token_trigger
  timeout                        = var.timeout_seconds.token_trigger
  reserved_concurrent_executions = var.reserved_concurrent_executions.token_trigger
  environment                    = local.token_trigger_environment
  policy_statements              = local.token_trigger_policy_statements
  allowed_triggers = {
    AllowCognitoUserPool = { principal = "cognito-idp.amazonaws.com", source_arn = local.user_pool_arn }
  }
  log_retention_in_days = var.log_retention_in_days
  kms_key_arn           = var.kms_key_arn
  tags                  = var.tags

  partition                  = local.partition
  region                     = local.region
  account_id                 = local.account_id
  create_role                = var.create_role.token_trigger
  role_arn                   = var.role_arn.token_trigger
  role_name                  = local.role_names.token_trigger
  role_path                  = var.role_path
  role_permissions_boundary  = var.role_permissions_boundary
  tracing_mode               = var.tracing_mode
  vpc_subnet_ids             = var.vpc_subnet_ids
  vpc_security_group_ids     = var.vpc_security_group_ids
  cloudwatch_logs_kms_key_id = local.logs_kms_key_id
  system_log_level           = var.system_log_level
}

# Until 0.1.x each function was its own module call. These blocks move existing state to the keyed instances,
# so upgrading replaces nothing (module.token_trigger keeps its address).
moved {
  from = module.authorizer
  to   = module.function["authorizer"]
}

moved {
  from = module.admin_signout
  to   = module.function["admin_signout"]
}

moved {
  from = module.auto_revocation[0]
  to   = module.function["auto_revocation"]
}

moved {
  from = module.logout[0]
  to   = module.function["logout"]
}

# Until the opt-in doors joined local.all_functions each was its own module call with `count`. Their function URLs
# and URL grants keep their addresses; their routes moved into modules/route (routes.tf).
moved {
  from = module.introspection[0]
  to   = module.function["introspection"]
}

moved {
  from = module.token_revocation[0]
  to   = module.function["token_revocation"]
}

moved {
  from = module.shared_signals[0]
  to   = module.function["shared_signals"]
}

moved {
  from = module.global_token_revocation[0]
  to   = module.function["global_token_revocation"]
}

module "api_authorizers" {
  source = "./modules/api-authorizers"

  function_name           = module.function["authorizer"].function_name
  invoke_arn              = module.function["authorizer"].invoke_arn
  partition               = local.partition
  region                  = local.region
  account_id              = local.account_id
  name_prefix             = var.name_prefix
  rest_apis               = var.create ? var.rest_apis : {}
  http_apis               = var.create ? var.http_apis : {}
  enable_simple_responses = var.http_api_response_mode == "simple"
  existing_authorizers    = var.create ? var.existing_authorizers : {}
  appsync_api_ids         = var.create ? var.appsync_api_ids : {}
}
