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

  logout_http_paths = { for k, r in local.logout_http_apis : k => split(" ", r.route_key)[1] }
  logout_http_verbs = { for k, r in local.logout_http_apis : k => split(" ", r.route_key)[0] }

  # API Gateway may invoke the function only from the logout route of each listed API.
  logout_allowed_triggers = merge(
    { for k, r in local.logout_http_apis : "HttpApiLogout-${k}" => {
      principal  = "apigateway.amazonaws.com"
      source_arn = "arn:${local.partition}:execute-api:${local.region}:${local.account_id}:${try(var.http_apis[k].api_id, "unknown-api")}/*/${local.logout_http_verbs[k]}${local.logout_http_paths[k]}"
    } },
    { for k, r in local.logout_rest_apis : "RestApiLogout-${k}" => {
      principal = "apigateway.amazonaws.com"
      # The resource's full path (e.g. /v1/logout under a /v1 parent), as API Gateway names the caller: a
      # permission for /POST/<path_part> alone would not match a nested route, and every logout would fail.
      source_arn = "arn:${local.partition}:execute-api:${local.region}:${local.account_id}:${try(var.rest_apis[k].rest_api_id, "unknown-api")}/*/POST${aws_api_gateway_resource.logout[k].path}"
    } },
  )
}

resource "aws_apigatewayv2_integration" "logout" {
  for_each = local.logout_http_apis

  api_id                 = try(var.http_apis[each.key].api_id, "unknown-api")
  integration_type       = "AWS_PROXY"
  integration_uri        = module.function["logout"].invoke_arn
  payload_format_version = "2.0"

  lifecycle {
    precondition {
      condition     = contains(keys(var.http_apis), each.key)
      error_message = "logout.http_apis keys must be keys of http_apis: the route is protected by this module's authorizer on that API."
    }
  }
}

resource "aws_apigatewayv2_route" "logout" {
  for_each = local.logout_http_apis

  api_id             = try(var.http_apis[each.key].api_id, "unknown-api")
  route_key          = each.value.route_key
  target             = "integrations/${aws_apigatewayv2_integration.logout[each.key].id}"
  authorization_type = "CUSTOM"
  authorizer_id      = try(module.api_authorizers.http_api_authorizer_ids[each.key], null)
}

resource "aws_api_gateway_resource" "logout" {
  for_each = local.logout_rest_apis

  rest_api_id = try(var.rest_apis[each.key].rest_api_id, "unknown-api")
  parent_id   = each.value.parent_resource_id
  path_part   = each.value.path_part

  lifecycle {
    precondition {
      condition     = contains(keys(var.rest_apis), each.key)
      error_message = "logout.rest_apis keys must be keys of rest_apis: the method is protected by this module's authorizer on that API."
    }
  }
}

resource "aws_api_gateway_method" "logout" {
  for_each = local.logout_rest_apis

  rest_api_id   = try(var.rest_apis[each.key].rest_api_id, "unknown-api")
  resource_id   = aws_api_gateway_resource.logout[each.key].id
  http_method   = "POST"
  authorization = "CUSTOM"
  authorizer_id = try(module.api_authorizers.rest_api_authorizer_ids[each.key], null)
}

resource "aws_api_gateway_integration" "logout" {
  for_each = local.logout_rest_apis

  rest_api_id             = try(var.rest_apis[each.key].rest_api_id, "unknown-api")
  resource_id             = aws_api_gateway_resource.logout[each.key].id
  http_method             = aws_api_gateway_method.logout[each.key].http_method
  type                    = "AWS_PROXY"
  integration_http_method = "POST"
  uri                     = module.function["logout"].invoke_arn
}
