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
  region                     = local.region # with account_id: the log statement's ARN is built, known at plan
  account_id                 = local.account_id
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

