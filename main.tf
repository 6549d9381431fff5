# cognito_revocation: a blocklist table, three Lambda functions (authorizer, token trigger, admin signout) and
# the authorizers on the APIs to protect. Layout:
#   modules/table            the DynamoDB blocklist (TTL, encryption, PITR, replicas)
#   modules/function         one function with its role, least-privilege policy, log group and permissions
#   modules/api-authorizers  authorizers on REST/HTTP APIs and the authorizer's scoped invoke permissions
# The three functions differ only in data — environment (locals.tf) and policy statements (iam.tf) — so they
# are three instances of modules/function rather than three more modules.

module "table" {
  source = "./modules/table"

  name                           = "${var.name_prefix}-blocklist"
  kms_key_arn                    = var.kms_key_arn
  point_in_time_recovery_enabled = var.point_in_time_recovery_enabled
  deletion_protection_enabled    = var.deletion_protection_enabled
  replicas                       = var.table_replicas
  tags                           = var.tags
}

module "authorizer" {
  source = "./modules/function"

  name                  = "${var.name_prefix}-authorizer"
  description           = "Verifies Cognito JWTs and refuses revoked ones (cognito-revocation)."
  package_file          = "${local.package_dir}/authorizer.zip"
  runtime               = var.runtime
  architecture          = var.architecture
  memory_size           = var.memory_size.authorizer
  timeout               = var.timeout_seconds.authorizer
  environment           = local.authorizer_environment
  policy_statements     = local.authorizer_policy_statements
  log_retention_in_days = var.log_retention_in_days
  kms_key_arn           = var.kms_key_arn
  tags                  = var.tags
  # API Gateway and AppSync permissions are created by module.api_authorizers, next to the authorizers.
}

module "token_trigger" {
  source = "./modules/function"

  name                  = "${var.name_prefix}-token-trigger"
  description           = "Pre-token-generation / post-authentication trigger: records sessions, injects the session claim (cognito-revocation)."
  package_file          = "${local.package_dir}/token-trigger.zip"
  runtime               = var.runtime
  architecture          = var.architecture
  memory_size           = var.memory_size.token_trigger
  timeout               = var.timeout_seconds.token_trigger
  environment           = local.token_trigger_environment
  policy_statements     = local.token_trigger_policy_statements
  log_retention_in_days = var.log_retention_in_days
  kms_key_arn           = var.kms_key_arn
  tags                  = var.tags

  allowed_triggers = {
    AllowCognitoUserPool = {
      principal  = "cognito-idp.amazonaws.com"
      source_arn = local.user_pool_arn
    }
  }
}

module "admin_signout" {
  source = "./modules/function"

  name                  = "${var.name_prefix}-admin-signout"
  description           = "Signs users out everywhere and revokes sessions and tokens; IAM-invoked only (cognito-revocation)."
  package_file          = "${local.package_dir}/admin-signout.zip"
  runtime               = var.runtime
  architecture          = var.architecture
  memory_size           = var.memory_size.admin_signout
  timeout               = var.timeout_seconds.admin_signout
  environment           = local.admin_signout_environment
  policy_statements     = local.admin_signout_policy_statements
  log_retention_in_days = var.log_retention_in_days
  kms_key_arn           = var.kms_key_arn
  tags                  = var.tags
  # No resource-based permission: only IAM principals given admin_invoke_policy_json can invoke it.
}

module "api_authorizers" {
  source = "./modules/api-authorizers"

  function_name           = module.authorizer.function_name
  invoke_arn              = module.authorizer.invoke_arn
  partition               = local.partition
  region                  = local.region
  account_id              = local.account_id
  name_prefix             = var.name_prefix
  rest_apis               = var.rest_apis
  http_apis               = var.http_apis
  enable_simple_responses = var.http_api_response_mode == "simple"
  existing_authorizers    = var.existing_authorizers
  appsync_api_ids         = var.appsync_api_ids
}
