# OAuth Global Token Revocation (docs/global-token-revocation.md): the endpoint an upstream identity provider calls
# (draft-parecki-oauth-global-token-revocation; Okta's Universal Logout) to end every session of one user. The caller
# authenticates with a bearer token the provider issued (issuer, audience, a dedicated scope), verified by the
# function.
#
# The route is on one of the team's APIs with NO authorizer: the caller's token is the provider's, not a Cognito
# token; the function verifies it. A route rather than a Lambda function URL for the reasons in
# docs/shared-signals.md "Why a route on your API".
#
# Off by default (`global_token_revocation = null`); nothing with `create = false`.

variable "global_token_revocation" {
  description = <<-EOT
    Global Token Revocation endpoint (opt-in; null = off). The calling provider: `issuer` (exactly the `iss` of its
    bearer tokens), `audience` (their `aud`), `scope` (the scope they must carry, in `scope` or `scp`), and its keys —
    `jwks_uri`, or by default the `jwks_uri` of `<issuer>/.well-known/oauth-authorization-server` (or
    `metadata_url`). `algorithms` accepted (default RS256, ES256). `provider_name`: the provider's name in the user
    pool, to tie `iss_sub` subjects to federated users (null: such subjects are refused). The route: `http_apis`
    (keys of `http_apis`, optional `route_key`, default `POST /global-token-revocation`) and/or `rest_apis` (keys of
    `rest_apis`, `parent_resource_id`, optional `path_part`, default `global-token-revocation`; redeploy the REST
    stage afterwards); neither uses an authorizer. `memory_size`, `timeout`, `reserved_concurrent_executions` size
    the function.
  EOT
  type = object({
    issuer                         = string
    audience                       = list(string)
    scope                          = string
    jwks_uri                       = optional(string)
    metadata_url                   = optional(string)
    algorithms                     = optional(list(string), ["RS256", "ES256"])
    provider_name                  = optional(string)
    max_body_bytes                 = optional(number, 16384)
    memory_size                    = optional(number, 256)
    timeout                        = optional(number, 15)
    reserved_concurrent_executions = optional(number, 10)
    http_apis = optional(map(object({
      route_key = optional(string, "POST /global-token-revocation")
    })), {})
    rest_apis = optional(map(object({
      parent_resource_id = string
      path_part          = optional(string, "global-token-revocation")
    })), {})
  })
  default = null

  validation {
    condition     = var.global_token_revocation == null || (can(regex("^https://", try(var.global_token_revocation.issuer, ""))) && length(try(var.global_token_revocation.audience, [])) > 0 && alltrue([for u in compact([try(var.global_token_revocation.jwks_uri, null), try(var.global_token_revocation.metadata_url, null)]) : can(regex("^https://", u))]))
    error_message = "global_token_revocation: issuer, jwks_uri and metadata_url must be https URLs, and audience must name at least one audience."
  }

  validation {
    condition     = var.global_token_revocation == null || alltrue([for a in try(var.global_token_revocation.algorithms, []) : contains(["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"], a)])
    error_message = "global_token_revocation.algorithms: RS256/384/512, PS256/384/512, ES256/384/512 or EdDSA (never none or an HMAC)."
  }

  validation {
    condition     = var.global_token_revocation == null || (can(regex("^[\\x21\\x23-\\x5b\\x5d-\\x7e]+$", try(var.global_token_revocation.scope, ""))) && try(var.global_token_revocation.max_body_bytes, 16384) >= 1024 && try(var.global_token_revocation.max_body_bytes, 16384) <= 262144 && try(var.global_token_revocation.timeout, 15) >= 3 && try(var.global_token_revocation.timeout, 15) <= 29)
    error_message = "global_token_revocation: scope is one scope token (no spaces or quotes), max_body_bytes 1024–262144, timeout 3–29 (behind API Gateway)."
  }

  validation {
    condition     = var.global_token_revocation == null || alltrue([for r in values(try(var.global_token_revocation.http_apis, {})) : can(regex("^POST /[A-Za-z0-9._~/-]*$", r.route_key))])
    error_message = "global_token_revocation.http_apis route_key must be `POST /<path>` (no wildcard, no greedy path: the route must reach only the endpoint)."
  }

  validation {
    condition     = var.global_token_revocation == null || alltrue([for r in values(try(var.global_token_revocation.rest_apis, {})) : can(regex("^[A-Za-z0-9._~-]{1,64}$", r.path_part)) && can(regex("^[a-z0-9]{6,12}$", r.parent_resource_id))])
    error_message = "global_token_revocation.rest_apis: path_part is one path segment, parent_resource_id the API Gateway resource id."
  }
}

locals {
  global_token_revocation_enabled   = var.create && var.global_token_revocation != null
  global_token_revocation_http_apis = local.global_token_revocation_enabled ? var.global_token_revocation.http_apis : {}
  global_token_revocation_rest_apis = local.global_token_revocation_enabled ? var.global_token_revocation.rest_apis : {}
  global_token_revocation_role_name = "${substr("${var.name_prefix}-global-token-revocation", 0, min(length("${var.name_prefix}-global-token-revocation"), 63 - length(local.region)))}-${local.region}"

  # The environment contract of lambdas/config/contract.ts for the global-token-revocation function, exactly.
  global_token_revocation_environment = {
    TABLE_NAME                     = local.table_name
    USER_POOL_ID                   = var.user_pool_id
    TOKEN_LIFETIME_SECONDS         = tostring(var.token_lifetime_seconds)
    REFRESH_TOKEN_LIFETIME_SECONDS = tostring(var.refresh_token_lifetime_seconds)
    UPSTREAM_ISSUER                = try(var.global_token_revocation.issuer, "")
    UPSTREAM_AUDIENCE              = join(",", try(var.global_token_revocation.audience, []))
    UPSTREAM_JWKS_URI              = try(coalesce(var.global_token_revocation.jwks_uri), "")
    UPSTREAM_METADATA_URL          = try(coalesce(var.global_token_revocation.metadata_url), "")
    UPSTREAM_ALGORITHMS            = join(",", try(var.global_token_revocation.algorithms, ["RS256", "ES256"]))
    UPSTREAM_PROVIDER_NAME         = try(coalesce(var.global_token_revocation.provider_name), "")
    MAX_BODY_BYTES                 = tostring(try(var.global_token_revocation.max_body_bytes, 16384))
    REQUIRED_SCOPE                 = try(var.global_token_revocation.scope, "")
    CACHE_FLUSH_TARGETS            = jsonencode(local.cache_flush_targets) # cache.tf
    LOG_LEVEL                      = var.log_level
    METRICS_NAMESPACE              = var.metrics_namespace
  }

  # Least privilege: revoke users of this pool (the watermark, the session records, the hint: Query, GetItem,
  # PutItem, BatchWriteItem); look users up and sign them out of Cognito in this one pool.
  global_token_revocation_policy_statements = concat([
    {
      sid       = "RevokeUsers"
      actions   = ["dynamodb:BatchWriteItem", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"]
      resources = [module.table.arn]
    },
    {
      sid       = "LookUpAndSignOutUsersOfOnePool"
      actions   = ["cognito-idp:AdminGetUser", "cognito-idp:AdminUserGlobalSignOut", "cognito-idp:ListUsers"]
      resources = [local.user_pool_arn]
    },
  ], local.kms_read_write, local.cache_flush_policy_statements) # cache_flush_policy_statements: cache.tf

  global_token_revocation_http_paths = { for k, r in local.global_token_revocation_http_apis : k => split(" ", r.route_key)[1] }
}

module "global_token_revocation" {
  source = "./modules/function"
  count  = local.global_token_revocation_enabled ? 1 : 0

  create                         = var.create
  name                           = "${var.name_prefix}-global-token-revocation"
  description                    = "OAuth Global Token Revocation: the identity provider ends every session of one user (cognito-revocation)."
  package_file                   = "${local.package_dir}/global-token-revocation.zip"
  s3_existing_package            = lookup(var.s3_existing_package, "global_token_revocation", null)
  runtime                        = var.runtime
  architecture                   = var.architecture
  memory_size                    = try(var.global_token_revocation.memory_size, 256)
  timeout                        = try(var.global_token_revocation.timeout, 15)
  reserved_concurrent_executions = try(var.global_token_revocation.reserved_concurrent_executions, 10)
  environment                    = local.global_token_revocation_environment
  policy_statements              = local.global_token_revocation_policy_statements
  log_retention_in_days          = var.log_retention_in_days
  kms_key_arn                    = var.kms_key_arn
  tags                           = var.tags
  # API Gateway may invoke it only from the endpoint's route of each listed API.
  allowed_triggers = merge(
    { for k, r in local.global_token_revocation_http_apis : "HttpApiGlobalTokenRevocation-${k}" => {
      principal  = "apigateway.amazonaws.com"
      source_arn = "arn:${local.partition}:execute-api:${local.region}:${local.account_id}:${try(var.http_apis[k].api_id, "unknown-api")}/*/POST${local.global_token_revocation_http_paths[k]}"
    } },
    { for k, r in local.global_token_revocation_rest_apis : "RestApiGlobalTokenRevocation-${k}" => {
      principal  = "apigateway.amazonaws.com"
      source_arn = "arn:${local.partition}:execute-api:${local.region}:${local.account_id}:${try(var.rest_apis[k].rest_api_id, "unknown-api")}/*/POST/${r.path_part}"
    } },
  )

  partition                  = local.partition
  role_name                  = local.global_token_revocation_role_name
  role_path                  = var.role_path
  role_permissions_boundary  = var.role_permissions_boundary
  tracing_mode               = var.tracing_mode
  vpc_subnet_ids             = var.vpc_subnet_ids
  vpc_security_group_ids     = var.vpc_security_group_ids
  cloudwatch_logs_kms_key_id = local.logs_kms_key_id
}

resource "aws_apigatewayv2_integration" "global_token_revocation" {
  for_each = local.global_token_revocation_http_apis

  api_id                 = try(var.http_apis[each.key].api_id, "unknown-api")
  integration_type       = "AWS_PROXY"
  integration_uri        = module.global_token_revocation[0].invoke_arn
  payload_format_version = "2.0"

  lifecycle {
    precondition {
      condition     = contains(keys(var.http_apis), each.key)
      error_message = "global_token_revocation.http_apis keys must be keys of http_apis."
    }
  }
}

# No authorizer: the caller presents the provider's bearer token, which the function verifies.
resource "aws_apigatewayv2_route" "global_token_revocation" {
  for_each = local.global_token_revocation_http_apis

  api_id             = try(var.http_apis[each.key].api_id, "unknown-api")
  route_key          = each.value.route_key
  target             = "integrations/${aws_apigatewayv2_integration.global_token_revocation[each.key].id}"
  authorization_type = "NONE"
}

resource "aws_api_gateway_resource" "global_token_revocation" {
  for_each = local.global_token_revocation_rest_apis

  rest_api_id = try(var.rest_apis[each.key].rest_api_id, "unknown-api")
  parent_id   = each.value.parent_resource_id
  path_part   = each.value.path_part

  lifecycle {
    precondition {
      condition     = contains(keys(var.rest_apis), each.key)
      error_message = "global_token_revocation.rest_apis keys must be keys of rest_apis."
    }
  }
}

resource "aws_api_gateway_method" "global_token_revocation" {
  for_each = local.global_token_revocation_rest_apis

  rest_api_id   = try(var.rest_apis[each.key].rest_api_id, "unknown-api")
  resource_id   = aws_api_gateway_resource.global_token_revocation[each.key].id
  http_method   = "POST"
  authorization = "NONE"
}

resource "aws_api_gateway_integration" "global_token_revocation" {
  for_each = local.global_token_revocation_rest_apis

  rest_api_id             = try(var.rest_apis[each.key].rest_api_id, "unknown-api")
  resource_id             = aws_api_gateway_resource.global_token_revocation[each.key].id
  http_method             = aws_api_gateway_method.global_token_revocation[each.key].http_method
  type                    = "AWS_PROXY"
  integration_http_method = "POST"
  uri                     = module.global_token_revocation[0].invoke_arn
}

output "global_token_revocation" {
  description = "The Global Token Revocation endpoint, when enabled: function name and ARN, its role policy, the HTTP API route ids and REST resource ids by API key, its invoke permissions. `null` when off."
  value = local.global_token_revocation_enabled ? {
    function_name     = module.global_token_revocation[0].function_name
    function_arn      = module.global_token_revocation[0].function_arn
    role_policy       = module.global_token_revocation[0].policy_json
    http_api_routes   = { for k, r in aws_apigatewayv2_route.global_token_revocation : k => { id = r.id, route_key = r.route_key } }
    rest_api_resource = { for k, r in aws_api_gateway_resource.global_token_revocation : k => { id = r.id, path_part = r.path_part } }
    permissions       = module.global_token_revocation[0].permissions
  } : null
}
