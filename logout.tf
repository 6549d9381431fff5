# Self-service logout (docs/logout.md): a route the team chooses, behind this module's authorizer, that
# ends the caller's own session (or, optionally, all of the caller's sessions). The identity is the authorizer's
# context; the function needs no Cognito permission (RevokeToken / GlobalSignOut are authorized by the user's own
# tokens) and writes only the caller's revocations.
#
# Off by default (`logout = null`); nothing with `create = false`.

locals {
  logout_enabled   = var.create && var.logout != null
  logout_http_apis = local.logout_enabled ? var.logout.http_apis : {}
  logout_rest_apis = local.logout_enabled ? var.logout.rest_apis : {}

  # The environment contract of lambdas/config/contract.ts for the logout function, exactly.
  logout_environment = {
    TABLE_NAME                     = local.table_name
    TOKEN_LIFETIME_SECONDS         = tostring(var.token_lifetime_seconds)
    REFRESH_TOKEN_LIFETIME_SECONDS = tostring(var.refresh_token_lifetime_seconds)
    ALLOW_LOGOUT_EVERYWHERE        = tostring(try(var.logout.allow_everywhere, true))
    CACHE_FLUSH_TARGETS            = jsonencode(local.cache_flush_targets) # cache.tf
    LOG_LEVEL                      = var.log_level
    METRICS_NAMESPACE              = var.metrics_namespace
  }

  # Least privilege: the caller's own revocations (conditional PutItem; GetItem for the watermark's merge path),
  # and for "everywhere" the caller's session records (Query, then BatchWriteItem to mark them). No Cognito action:
  # RevokeToken and GlobalSignOut are authorized by the user's own tokens.
  logout_policy_statements = concat([{
    sid       = "RevokeOwnSessions"
    actions   = ["dynamodb:BatchWriteItem", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"]
    resources = [module.table.arn]
  }], local.kms_read_write, local.cache_flush_policy_statements)
}
