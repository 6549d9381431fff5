locals {
  package_dir = coalesce(var.package_dir, "${path.module}/dist")

  # Partition, region and account of the deployment (main.tf data sources). `aws_region.name` exists in provider 5
  # and 6 (6 also calls it `region`).
  partition  = data.aws_partition.current.partition
  region     = data.aws_region.current.name
  account_id = data.aws_caller_identity.current.account_id

  # This instance's table, or the local replica of a global table another instance owns (existing_table_name).
  # Replicas share the table's name, so module.table.arn (used by iam.tf) is this region's ARN, known at plan.
  table_name = coalesce(var.existing_table_name, "${var.name_prefix}-blocklist")
  table_arn  = module.table.arn

  pool_region   = split("_", var.user_pool_id)[0]
  user_pool_arn = "arn:${local.partition}:cognito-idp:${local.pool_region}:${local.account_id}:userpool/${var.user_pool_id}"

  # IAM role names are global to the account while function names are regional: the region in the role name lets
  # one module instance per region coexist (docs/multi-region.md). Cut to IAM's 64 characters.
  role_names = {
    for key, fn in {
      authorizer              = "authorizer"
      token_trigger           = "token-trigger"
      admin_signout           = "admin-signout"
      auto_revocation         = "auto-revocation"
      logout                  = "logout"
      introspection           = "introspection"
      token_revocation        = "token-revocation"
      shared_signals          = "shared-signals"
      global_token_revocation = "global-token-revocation"
    } :
    key => "${substr("${var.name_prefix}-${fn}", 0, min(length("${var.name_prefix}-${fn}"), 63 - length(local.region)))}-${local.region}"
  }

  # The log groups' key: its own input, else the module's key (as before the input existed).
  logs_kms_key_id = var.cloudwatch_logs_kms_key_id != null ? var.cloudwatch_logs_kms_key_id : var.kms_key_arn

  # The environment contract of lambdas/config/contract.ts, exactly: every name a function reads is set here and
  # nothing else (checked both ways by test/terraform). One local per function: the token trigger's must not
  # depend on the pool id, so a pool can take the trigger's ARN in its lambda_config without a cycle.
  authorizer_environment = {
    USER_POOL_ID                 = var.user_pool_id
    CLIENT_IDS                   = join(",", var.client_ids)
    TOKEN_USE                    = var.token_use
    TABLE_NAME                   = local.table_name
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
    DECISION_LOG_SAMPLE_RATE     = tostring(var.decision_log_sample_rate)
    METRICS_FLUSH_DECISIONS      = tostring(var.metrics_flush_decisions)
  }
  token_trigger_environment = {
    TABLE_NAME                 = local.table_name
    SESSION_CLAIM              = var.session_claim
    TOKEN_LIFETIME_SECONDS     = tostring(var.token_lifetime_seconds)
    STORE_TIMEOUT_MS           = tostring(var.trigger_store_timeout_ms)
    CHAINED_TRIGGER_FUNCTION   = local.chained_trigger_function # trigger_chain.tf
    CHAINED_TRIGGER_TIMEOUT_MS = tostring(var.chained_trigger_timeout_ms)
    LOG_LEVEL                  = var.log_level
    METRICS_NAMESPACE          = var.metrics_namespace
  }
  admin_signout_environment = {
    TABLE_NAME                     = local.table_name
    USER_POOL_ID                   = var.user_pool_id
    TOKEN_LIFETIME_SECONDS         = tostring(var.token_lifetime_seconds)
    REFRESH_TOKEN_LIFETIME_SECONDS = tostring(var.refresh_token_lifetime_seconds)
    COGNITO_SESSION_MANAGEMENT     = tostring(var.cognito_session_management) # automatic_revocation.tf
    CACHE_FLUSH_TARGETS            = jsonencode(local.cache_flush_targets)    # cache.tf
    LOG_LEVEL                      = var.log_level
    METRICS_NAMESPACE              = var.metrics_namespace
  }
}
