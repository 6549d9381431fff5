locals {
  package_dir = coalesce(var.package_dir, "${path.module}/dist")

  # Partition, region and account of the deployment, read from the table's ARN
  # (arn:<partition>:dynamodb:<region>:<account>:table/<name>) so no data source differs between AWS provider 5 and 6.
  table_arn_parts = split(":", module.table.arn)
  partition       = local.table_arn_parts[1]
  region          = local.table_arn_parts[3]
  account_id      = local.table_arn_parts[4]

  pool_region   = split("_", var.user_pool_id)[0]
  user_pool_arn = "arn:${local.partition}:cognito-idp:${local.pool_region}:${local.account_id}:userpool/${var.user_pool_id}"

  # The environment contract of lambdas/config/contract.ts, exactly: every name a function reads is set here and
  # nothing else (checked both ways by test/terraform). One local per function: the token trigger's must not
  # depend on the pool id, so a pool can take the trigger's ARN in its lambda_config without a cycle.
  authorizer_environment = {
    USER_POOL_ID                 = var.user_pool_id
    CLIENT_IDS                   = join(",", var.client_ids)
    TOKEN_USE                    = var.token_use
    TABLE_NAME                   = module.table.name
    SESSION_CLAIM                = var.session_claim
    FAIL_MODE                    = var.fail_mode
    STORE_TIMEOUT_MS             = tostring(var.store_timeout_ms)
    STORE_MAX_ATTEMPTS           = tostring(var.store_max_attempts)
    CONSISTENT_READ              = tostring(var.consistent_read)
    REVOCATION_STALENESS_SECONDS = tostring(var.revocation_staleness_seconds) # cache.tf
    REVOCATION_MAX_AGE_SECONDS   = tostring(var.revocation_max_age_seconds)
    HTTP_API_RESPONSE_MODE       = var.http_api_response_mode
    JWKS_URI                     = "" # Cognito's own JWKS; overridden only by emulators and tests.
    LOG_LEVEL                    = var.log_level
    METRICS_NAMESPACE            = var.metrics_namespace
  }
  token_trigger_environment = {
    TABLE_NAME             = module.table.name
    SESSION_CLAIM          = var.session_claim
    TOKEN_LIFETIME_SECONDS = tostring(var.token_lifetime_seconds)
    STORE_TIMEOUT_MS       = tostring(var.trigger_store_timeout_ms)
    LOG_LEVEL              = var.log_level
    METRICS_NAMESPACE      = var.metrics_namespace
  }
  admin_signout_environment = {
    TABLE_NAME                     = module.table.name
    USER_POOL_ID                   = var.user_pool_id
    TOKEN_LIFETIME_SECONDS         = tostring(var.token_lifetime_seconds)
    REFRESH_TOKEN_LIFETIME_SECONDS = tostring(var.refresh_token_lifetime_seconds)
    CACHE_FLUSH_TARGETS            = jsonencode(local.cache_flush_targets) # cache.tf
    LOG_LEVEL                      = var.log_level
    METRICS_NAMESPACE              = var.metrics_namespace
  }
}
