# cognito_revocation: a blocklist table, three Lambda functions (authorizer, token trigger, admin signout) and
# the authorizers on the APIs to protect. Layout:
#   modules/table            the DynamoDB blocklist (TTL, encryption, PITR, replicas)
#   modules/function         one function with its role, least-privilege policy, log group and permissions
#   modules/api-authorizers  authorizers on REST/HTTP APIs and the authorizer's scoped invoke permissions
# The three functions differ only in data — environment (locals.tf) and policy statements (iam.tf) — so they
# are three instances of modules/function rather than three more modules.

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
  tags                           = var.tags
}

module "authorizer" {
  source = "./modules/function"

  create                         = var.create
  name                           = "${var.name_prefix}-authorizer"
  description                    = "Verifies Cognito JWTs and refuses revoked ones (cognito-revocation)."
  package_file                   = "${local.package_dir}/authorizer.zip"
  s3_existing_package            = lookup(var.s3_existing_package, "authorizer", null)
  runtime                        = var.runtime
  architecture                   = var.architecture
  memory_size                    = var.memory_size.authorizer
  timeout                        = var.timeout_seconds.authorizer
  reserved_concurrent_executions = var.reserved_concurrent_executions.authorizer
  environment                    = local.authorizer_environment
  policy_statements              = local.authorizer_policy_statements
  log_retention_in_days          = var.log_retention_in_days
  kms_key_arn                    = var.kms_key_arn
  tags                           = var.tags
  # API Gateway and AppSync permissions are created by module.api_authorizers, next to the authorizers.

  partition                  = local.partition
  role_name                  = local.role_names.authorizer
  role_path                  = var.role_path
  role_permissions_boundary  = var.role_permissions_boundary
  tracing_mode               = var.tracing_mode
  vpc_subnet_ids             = var.vpc_subnet_ids
  vpc_security_group_ids     = var.vpc_security_group_ids
  cloudwatch_logs_kms_key_id = local.logs_kms_key_id
}

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
  log_retention_in_days          = var.log_retention_in_days
  kms_key_arn                    = var.kms_key_arn
  tags                           = var.tags

  allowed_triggers = {
    AllowCognitoUserPool = {
      principal  = "cognito-idp.amazonaws.com"
      source_arn = local.user_pool_arn
    }
  }

  partition                  = local.partition
  role_name                  = local.role_names.token_trigger
  role_path                  = var.role_path
  role_permissions_boundary  = var.role_permissions_boundary
  tracing_mode               = var.tracing_mode
  vpc_subnet_ids             = var.vpc_subnet_ids
  vpc_security_group_ids     = var.vpc_security_group_ids
  cloudwatch_logs_kms_key_id = local.logs_kms_key_id
}

module "admin_signout" {
  source = "./modules/function"

  create                         = var.create
  name                           = "${var.name_prefix}-admin-signout"
  description                    = "Signs users out everywhere and revokes sessions and tokens; IAM-invoked only (cognito-revocation)."
  package_file                   = "${local.package_dir}/admin-signout.zip"
  s3_existing_package            = lookup(var.s3_existing_package, "admin_signout", null)
  runtime                        = var.runtime
  architecture                   = var.architecture
  memory_size                    = var.memory_size.admin_signout
  timeout                        = var.timeout_seconds.admin_signout
  reserved_concurrent_executions = var.reserved_concurrent_executions.admin_signout
  environment                    = local.admin_signout_environment
  policy_statements              = local.admin_signout_policy_statements
  log_retention_in_days          = var.log_retention_in_days
  kms_key_arn                    = var.kms_key_arn
  tags                           = var.tags
  # No resource-based permission: only IAM principals given admin_invoke_policy_json can invoke it.

  partition                  = local.partition
  role_name                  = local.role_names.admin_signout
  role_path                  = var.role_path
  role_permissions_boundary  = var.role_permissions_boundary
  tracing_mode               = var.tracing_mode
  vpc_subnet_ids             = var.vpc_subnet_ids
  vpc_security_group_ids     = var.vpc_security_group_ids
  cloudwatch_logs_kms_key_id = local.logs_kms_key_id
}

module "api_authorizers" {
  source = "./modules/api-authorizers"

  function_name           = module.authorizer.function_name
  invoke_arn              = module.authorizer.invoke_arn
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
