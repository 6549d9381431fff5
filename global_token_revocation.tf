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
  region                     = local.region # with account_id: the log statement's ARN is built, known at plan
  account_id                 = local.account_id
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

