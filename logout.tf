# Self-service logout (issue #14, docs/logout.md): a route the team chooses, behind this module's authorizer, that
# ends the caller's own session (or, optionally, all of the caller's sessions). The identity is the authorizer's
# context; the function needs no Cognito permission (RevokeToken / GlobalSignOut are authorized by the user's own
# tokens) and writes only the caller's revocations.
#
# Off by default (`logout = null`); nothing with `create = false`.

variable "logout" {
  description = <<-EOT
    Self-service logout route (opt-in; null = off). `http_apis`: keys of `http_apis` (the route uses this module's
    authorizer on that API), each with an optional `route_key` (default `POST /logout`). `rest_apis`: keys of
    `rest_apis`, each with the `parent_resource_id` under which to create the resource (e.g. the API's root
    resource id) and an optional `path_part` (default `logout`); redeploy the REST stage afterwards.
    `allow_everywhere` (default true) lets a caller end all of their own sessions with `{"everywhere": true}`.
  EOT
  type = object({
    http_apis = optional(map(object({
      route_key = optional(string, "POST /logout")
    })), {})
    rest_apis = optional(map(object({
      parent_resource_id = string
      path_part          = optional(string, "logout")
    })), {})
    allow_everywhere = optional(bool, true)
  })
  default = null

  validation {
    condition     = var.logout == null || alltrue([for r in values(try(var.logout.http_apis, {})) : can(regex("^(POST|DELETE) /[A-Za-z0-9._~/-]*$", r.route_key))])
    error_message = "logout.http_apis route_key must be `POST /<path>` or `DELETE /<path>` (no wildcard, no greedy path: the route must reach only the logout)."
  }

  validation {
    condition     = var.logout == null || alltrue([for r in values(try(var.logout.rest_apis, {})) : can(regex("^[A-Za-z0-9._~-]{1,64}$", r.path_part)) && can(regex("^[a-z0-9]{6,12}$", r.parent_resource_id))])
    error_message = "logout.rest_apis: path_part is one path segment (letters, digits, `.`, `_`, `~`, `-`), parent_resource_id the API Gateway resource id (e.g. aws_api_gateway_rest_api.<name>.root_resource_id)."
  }
}

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
  }], local.kms_read_write, local.cache_flush_policy_statements) # cache_flush_policy_statements: cache.tf (#11)

  logout_http_paths = { for k, r in local.logout_http_apis : k => split(" ", r.route_key)[1] }
  logout_http_verbs = { for k, r in local.logout_http_apis : k => split(" ", r.route_key)[0] }
}

module "logout" {
  source = "./modules/function"
  count  = local.logout_enabled ? 1 : 0

  create                         = var.create
  name                           = "${var.name_prefix}-logout"
  description                    = "Self-service logout behind the revocation authorizer: ends the caller's own session(s) (cognito-revocation)."
  package_file                   = "${local.package_dir}/logout.zip"
  s3_existing_package            = lookup(var.s3_existing_package, "logout", null)
  runtime                        = var.runtime
  architecture                   = var.architecture
  memory_size                    = var.memory_size.logout
  timeout                        = var.timeout_seconds.logout
  reserved_concurrent_executions = var.reserved_concurrent_executions.logout
  environment                    = local.logout_environment
  policy_statements              = local.logout_policy_statements
  log_retention_in_days          = var.log_retention_in_days
  kms_key_arn                    = var.kms_key_arn
  tags                           = var.tags
  # API Gateway may invoke it only from the logout route of each listed API.
  allowed_triggers = merge(
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

  partition                  = local.partition
  role_name                  = local.role_names.logout
  role_path                  = var.role_path
  role_permissions_boundary  = var.role_permissions_boundary
  tracing_mode               = var.tracing_mode
  vpc_subnet_ids             = var.vpc_subnet_ids
  vpc_security_group_ids     = var.vpc_security_group_ids
  cloudwatch_logs_kms_key_id = local.logs_kms_key_id
}

resource "aws_apigatewayv2_integration" "logout" {
  for_each = local.logout_http_apis

  api_id                 = try(var.http_apis[each.key].api_id, "unknown-api")
  integration_type       = "AWS_PROXY"
  integration_uri        = module.logout[0].invoke_arn
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
  uri                     = module.logout[0].invoke_arn
}

output "logout" {
  description = "The self-service logout, when enabled: function name and ARN, its role policy, the HTTP API route ids and REST resource ids by API key. `null` when off."
  value = local.logout_enabled ? {
    function_name     = module.logout[0].function_name
    function_arn      = module.logout[0].function_arn
    role_policy       = module.logout[0].policy_json
    http_api_routes   = { for k, r in aws_apigatewayv2_route.logout : k => { id = r.id, route_key = r.route_key } }
    rest_api_resource = { for k, r in aws_api_gateway_resource.logout : k => { id = r.id, path_part = r.path_part } }
    permissions       = module.logout[0].permissions
  } : null
}
