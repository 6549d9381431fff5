# Shared Signals receiver (docs/shared-signals.md): the push endpoint (RFC 8935) an upstream identity provider's
# transmitter delivers Security Event Tokens to. A CAEP session-revoked / credential-change or RISC account-disabled,
# account-purged or credential-compromise event about a user of the pool revokes that user everywhere.
#
# The route is on one of the team's APIs with NO authorizer: the transmitter cannot present a Cognito token, and its
# authentication is the SET's signature, which the function verifies. A route (rather than a Lambda function URL)
# keeps the invoke permission scoped to that one route and gives the API's throttling, access logs and custom domain;
# docs/shared-signals.md "Why a route on your API" says why.
#
# Off by default (`shared_signals = null`); nothing with `create = false`.

variable "shared_signals" {
  description = <<-EOT
    Shared Signals receiver (opt-in; null = off). The transmitter: `issuer` (exactly the `iss` of its SETs),
    `audience` (the `aud` values its stream uses for this receiver), and its keys — `jwks_uri`, or by default the
    `jwks_uri` of `<issuer>/.well-known/ssf-configuration` (or `metadata_url`). `algorithms` accepted (default RS256,
    ES256). `provider_name`: the provider's name in the user pool, to tie `iss_sub` subjects to federated users
    (null: such subjects are refused). SETs older than `set_max_age_seconds` are refused. The route: `http_apis`
    (keys of `http_apis`, optional `route_key`, default `POST /ssf/events`) and/or `rest_apis` (keys of `rest_apis`,
    `parent_resource_id`, optional `path_part`, default `ssf-events`; redeploy the REST stage afterwards); neither
    uses an authorizer. `memory_size`, `timeout`, `reserved_concurrent_executions` size the function.
  EOT
  type = object({
    issuer                         = string
    audience                       = list(string)
    jwks_uri                       = optional(string)
    metadata_url                   = optional(string)
    algorithms                     = optional(list(string), ["RS256", "ES256"])
    provider_name                  = optional(string)
    set_max_age_seconds            = optional(number, 900)
    max_body_bytes                 = optional(number, 16384)
    memory_size                    = optional(number, 256)
    timeout                        = optional(number, 15)
    reserved_concurrent_executions = optional(number, 10)
    http_apis = optional(map(object({
      route_key = optional(string, "POST /ssf/events")
    })), {})
    rest_apis = optional(map(object({
      parent_resource_id = string
      path_part          = optional(string, "ssf-events")
    })), {})
  })
  default = null

  validation {
    condition     = var.shared_signals == null || (can(regex("^https://", try(var.shared_signals.issuer, ""))) && length(try(var.shared_signals.audience, [])) > 0 && alltrue([for u in compact([try(var.shared_signals.jwks_uri, null), try(var.shared_signals.metadata_url, null)]) : can(regex("^https://", u))]))
    error_message = "shared_signals: issuer, jwks_uri and metadata_url must be https URLs, and audience must name at least one audience."
  }

  validation {
    condition     = var.shared_signals == null || alltrue([for a in try(var.shared_signals.algorithms, []) : contains(["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"], a)])
    error_message = "shared_signals.algorithms: RS256/384/512, PS256/384/512, ES256/384/512 or EdDSA (never none or an HMAC)."
  }

  validation {
    condition     = var.shared_signals == null || (try(var.shared_signals.set_max_age_seconds, 900) >= 60 && try(var.shared_signals.set_max_age_seconds, 900) <= 86400 && try(var.shared_signals.max_body_bytes, 16384) >= 1024 && try(var.shared_signals.max_body_bytes, 16384) <= 262144 && try(var.shared_signals.timeout, 15) >= 3 && try(var.shared_signals.timeout, 15) <= 29)
    error_message = "shared_signals: set_max_age_seconds 60–86400, max_body_bytes 1024–262144, timeout 3–29 (behind API Gateway)."
  }

  validation {
    condition     = var.shared_signals == null || alltrue([for r in values(try(var.shared_signals.http_apis, {})) : can(regex("^POST /[A-Za-z0-9._~/-]*$", r.route_key))])
    error_message = "shared_signals.http_apis route_key must be `POST /<path>` (no wildcard, no greedy path: the route must reach only the receiver)."
  }

  validation {
    condition     = var.shared_signals == null || alltrue([for r in values(try(var.shared_signals.rest_apis, {})) : can(regex("^[A-Za-z0-9._~-]{1,64}$", r.path_part)) && can(regex("^[a-z0-9]{6,12}$", r.parent_resource_id))])
    error_message = "shared_signals.rest_apis: path_part is one path segment, parent_resource_id the API Gateway resource id."
  }
}

locals {
  shared_signals_enabled   = var.create && var.shared_signals != null
  shared_signals_http_apis = local.shared_signals_enabled ? var.shared_signals.http_apis : {}
  shared_signals_rest_apis = local.shared_signals_enabled ? var.shared_signals.rest_apis : {}
  shared_signals_role_name = "${substr("${var.name_prefix}-shared-signals", 0, min(length("${var.name_prefix}-shared-signals"), 63 - length(local.region)))}-${local.region}"

  # The environment contract of lambdas/config/contract.ts for the shared-signals function, exactly.
  shared_signals_environment = {
    TABLE_NAME                     = local.table_name
    USER_POOL_ID                   = var.user_pool_id
    TOKEN_LIFETIME_SECONDS         = tostring(var.token_lifetime_seconds)
    REFRESH_TOKEN_LIFETIME_SECONDS = tostring(var.refresh_token_lifetime_seconds)
    UPSTREAM_ISSUER                = try(var.shared_signals.issuer, "")
    UPSTREAM_AUDIENCE              = join(",", try(var.shared_signals.audience, []))
    UPSTREAM_JWKS_URI              = try(coalesce(var.shared_signals.jwks_uri), "")
    UPSTREAM_METADATA_URL          = try(coalesce(var.shared_signals.metadata_url), "")
    UPSTREAM_ALGORITHMS            = join(",", try(var.shared_signals.algorithms, ["RS256", "ES256"]))
    UPSTREAM_PROVIDER_NAME         = try(coalesce(var.shared_signals.provider_name), "")
    MAX_BODY_BYTES                 = tostring(try(var.shared_signals.max_body_bytes, 16384))
    SET_MAX_AGE_SECONDS            = tostring(try(var.shared_signals.set_max_age_seconds, 900))
    CACHE_FLUSH_TARGETS            = jsonencode(local.cache_flush_targets) # cache.tf
    LOG_LEVEL                      = var.log_level
    METRICS_NAMESPACE              = var.metrics_namespace
  }

  # Least privilege: revoke users of this pool (the watermark, the session records, the hint: Query, GetItem,
  # PutItem, BatchWriteItem), remember and release SET ids (PutItem, DeleteItem); look users up and sign them out of
  # Cognito in this one pool.
  shared_signals_policy_statements = concat([
    {
      sid       = "RevokeUsersAndRememberSets"
      actions   = ["dynamodb:BatchWriteItem", "dynamodb:DeleteItem", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"]
      resources = [module.table.arn]
    },
    {
      sid       = "LookUpAndSignOutUsersOfOnePool"
      actions   = ["cognito-idp:AdminGetUser", "cognito-idp:AdminUserGlobalSignOut", "cognito-idp:ListUsers"]
      resources = [local.user_pool_arn]
    },
  ], local.kms_read_write, local.cache_flush_policy_statements) # cache_flush_policy_statements: cache.tf

  shared_signals_http_paths = { for k, r in local.shared_signals_http_apis : k => split(" ", r.route_key)[1] }
}

module "shared_signals" {
  source = "./modules/function"
  count  = local.shared_signals_enabled ? 1 : 0

  create                         = var.create
  name                           = "${var.name_prefix}-shared-signals"
  description                    = "Shared Signals receiver (RFC 8935 push): CAEP/RISC events from the identity provider revoke users (cognito-revocation)."
  package_file                   = "${local.package_dir}/shared-signals.zip"
  s3_existing_package            = lookup(var.s3_existing_package, "shared_signals", null)
  runtime                        = var.runtime
  architecture                   = var.architecture
  memory_size                    = try(var.shared_signals.memory_size, 256)
  timeout                        = try(var.shared_signals.timeout, 15)
  reserved_concurrent_executions = try(var.shared_signals.reserved_concurrent_executions, 10)
  environment                    = local.shared_signals_environment
  policy_statements              = local.shared_signals_policy_statements
  log_retention_in_days          = var.log_retention_in_days
  kms_key_arn                    = var.kms_key_arn
  tags                           = var.tags
  # API Gateway may invoke it only from the receiver's route of each listed API.
  allowed_triggers = merge(
    { for k, r in local.shared_signals_http_apis : "HttpApiSharedSignals-${k}" => {
      principal  = "apigateway.amazonaws.com"
      source_arn = "arn:${local.partition}:execute-api:${local.region}:${local.account_id}:${try(var.http_apis[k].api_id, "unknown-api")}/*/POST${local.shared_signals_http_paths[k]}"
    } },
    { for k, r in local.shared_signals_rest_apis : "RestApiSharedSignals-${k}" => {
      principal  = "apigateway.amazonaws.com"
      source_arn = "arn:${local.partition}:execute-api:${local.region}:${local.account_id}:${try(var.rest_apis[k].rest_api_id, "unknown-api")}/*/POST/${r.path_part}"
    } },
  )

  partition                  = local.partition
  role_name                  = local.shared_signals_role_name
  role_path                  = var.role_path
  role_permissions_boundary  = var.role_permissions_boundary
  tracing_mode               = var.tracing_mode
  vpc_subnet_ids             = var.vpc_subnet_ids
  vpc_security_group_ids     = var.vpc_security_group_ids
  cloudwatch_logs_kms_key_id = local.logs_kms_key_id
}

resource "aws_apigatewayv2_integration" "shared_signals" {
  for_each = local.shared_signals_http_apis

  api_id                 = try(var.http_apis[each.key].api_id, "unknown-api")
  integration_type       = "AWS_PROXY"
  integration_uri        = module.shared_signals[0].invoke_arn
  payload_format_version = "2.0"

  lifecycle {
    precondition {
      condition     = contains(keys(var.http_apis), each.key)
      error_message = "shared_signals.http_apis keys must be keys of http_apis."
    }
  }
}

# No authorizer: the transmitter authenticates by signing each SET, which the function verifies.
resource "aws_apigatewayv2_route" "shared_signals" {
  for_each = local.shared_signals_http_apis

  api_id             = try(var.http_apis[each.key].api_id, "unknown-api")
  route_key          = each.value.route_key
  target             = "integrations/${aws_apigatewayv2_integration.shared_signals[each.key].id}"
  authorization_type = "NONE"
}

resource "aws_api_gateway_resource" "shared_signals" {
  for_each = local.shared_signals_rest_apis

  rest_api_id = try(var.rest_apis[each.key].rest_api_id, "unknown-api")
  parent_id   = each.value.parent_resource_id
  path_part   = each.value.path_part

  lifecycle {
    precondition {
      condition     = contains(keys(var.rest_apis), each.key)
      error_message = "shared_signals.rest_apis keys must be keys of rest_apis."
    }
  }
}

resource "aws_api_gateway_method" "shared_signals" {
  for_each = local.shared_signals_rest_apis

  rest_api_id   = try(var.rest_apis[each.key].rest_api_id, "unknown-api")
  resource_id   = aws_api_gateway_resource.shared_signals[each.key].id
  http_method   = "POST"
  authorization = "NONE"
}

resource "aws_api_gateway_integration" "shared_signals" {
  for_each = local.shared_signals_rest_apis

  rest_api_id             = try(var.rest_apis[each.key].rest_api_id, "unknown-api")
  resource_id             = aws_api_gateway_resource.shared_signals[each.key].id
  http_method             = aws_api_gateway_method.shared_signals[each.key].http_method
  type                    = "AWS_PROXY"
  integration_http_method = "POST"
  uri                     = module.shared_signals[0].invoke_arn
}

output "shared_signals" {
  description = "The Shared Signals receiver, when enabled: function name and ARN, its role policy, the HTTP API route ids and REST resource ids by API key, its invoke permissions. `null` when off."
  value = local.shared_signals_enabled ? {
    function_name     = module.shared_signals[0].function_name
    function_arn      = module.shared_signals[0].function_arn
    role_policy       = module.shared_signals[0].policy_json
    http_api_routes   = { for k, r in aws_apigatewayv2_route.shared_signals : k => { id = r.id, route_key = r.route_key } }
    rest_api_resource = { for k, r in aws_api_gateway_resource.shared_signals : k => { id = r.id, path_part = r.path_part } }
    permissions       = module.shared_signals[0].permissions
  } : null
}
