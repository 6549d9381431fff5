# RFC 7009 token revocation (docs/introspection.md), beside the introspection endpoint and authenticated the same
# way (a Cognito M2M access token with a dedicated scope, checked inside the function; URL auth type NONE).
# Access / ID token → that token's revocation entry through the revocation service (read back before 200);
# refresh token → its whole family: learned from Cognito (GetTokensFromRefreshToken), the family entry through the
# revocation service (read back), then Cognito's RevokeToken. Both Cognito operations are public, authorized by the
# token and the app client's own credentials: no IAM action exists to grant.
#
# Off by default (`token_revocation = null`); nothing with `create = false`.

locals {
  token_revocation_enabled = var.create && var.token_revocation != null

  # The environment contract of lambdas/config/contract.ts for the token revocation function, exactly.
  token_revocation_environment = {
    USER_POOL_ID                   = var.user_pool_id
    CLIENT_IDS                     = join(",", var.client_ids)
    TABLE_NAME                     = local.table_name
    SESSION_CLAIM                  = var.session_claim
    TOKEN_LIFETIME_SECONDS         = tostring(var.token_lifetime_seconds)
    REFRESH_TOKEN_LIFETIME_SECONDS = tostring(var.refresh_token_lifetime_seconds)
    CALLER_CLIENT_IDS              = join(",", try(var.token_revocation.caller_client_ids, []))
    CALLER_SCOPE                   = try(var.token_revocation.caller_scope, "cognito-revocation/revoke")
    CACHE_FLUSH_TARGETS            = jsonencode(local.cache_flush_targets) # cache.tf
    JWKS_URI                       = ""
    LOG_LEVEL                      = var.log_level
    METRICS_NAMESPACE              = var.metrics_namespace
  }

  # One token's entry (conditional PutItem), its hint (PutItem), the read-back (Query; GetItem on the merge path);
  # the listed stages' cache flushes. No Cognito action: RevokeToken is authorized by the token itself.
  token_revocation_policy_statements = concat([{
    sid       = "RevokeOneToken"
    actions   = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"]
    resources = [module.table.arn]
  }], local.kms_read_write, local.cache_flush_policy_statements)

  token_revocation_role_name = "${substr("${var.name_prefix}-token-revocation", 0, min(length("${var.name_prefix}-token-revocation"), 63 - length(local.region)))}-${local.region}"
}

module "token_revocation" {
  source = "./modules/function"
  count  = local.token_revocation_enabled ? 1 : 0

  create                         = var.create
  name                           = "${var.name_prefix}-token-revocation"
  description                    = "RFC 7009 token revocation through the revocation service (cognito-revocation)."
  package_file                   = "${local.package_dir}/token-revocation.zip"
  s3_existing_package            = null
  runtime                        = var.runtime
  architecture                   = var.architecture
  memory_size                    = var.token_revocation.memory_size
  timeout                        = var.token_revocation.timeout_seconds
  reserved_concurrent_executions = var.token_revocation.reserved_concurrent_executions
  environment                    = local.token_revocation_environment
  policy_statements              = local.token_revocation_policy_statements
  log_retention_in_days          = var.log_retention_in_days
  kms_key_arn                    = var.kms_key_arn
  tags                           = var.tags

  partition                  = local.partition
  region                     = local.region # with account_id: the log statement's ARN is built, known at plan
  account_id                 = local.account_id
  role_name                  = local.token_revocation_role_name
  role_path                  = var.role_path
  role_permissions_boundary  = var.role_permissions_boundary
  tracing_mode               = var.tracing_mode
  vpc_subnet_ids             = var.vpc_subnet_ids
  vpc_security_group_ids     = var.vpc_security_group_ids
  cloudwatch_logs_kms_key_id = local.logs_kms_key_id
}

resource "aws_lambda_function_url" "token_revocation" {
  count = local.token_revocation_enabled ? 1 : 0

  function_name      = module.token_revocation[0].function_name
  authorization_type = "NONE"
}

resource "aws_lambda_permission" "token_revocation_url" {
  count = local.token_revocation_enabled ? 1 : 0

  statement_id           = "FunctionUrlCallersAuthenticateInside"
  action                 = "lambda:InvokeFunctionUrl"
  function_name          = module.token_revocation[0].function_name
  principal              = "*"
  function_url_auth_type = "NONE"
}

