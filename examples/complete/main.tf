# A new user pool whose tokens are revocable at a REST API and an HTTP API.
# From a checkout of the repository, build the Lambda zips first: `npm ci && npm run build` at its root. (A
# release tag ships them: `source = "git::https://...?ref=vX.Y.Z"` needs no build.) Then `./try-it.sh` signs a test
# user in, calls both APIs, signs the user out with the CLI and shows the refusal (README.md).

module "cognito_revocation" {
  source = "../.."

  name_prefix  = var.name
  user_pool_id = aws_cognito_user_pool.this.id
  client_ids   = [aws_cognito_user_pool_client.web.id]

  # Match the app client's validities below: entries live exactly as long as a token could.
  token_lifetime_seconds         = 3600
  refresh_token_lifetime_seconds = 30 * 86400

  rest_apis = {
    orders = { rest_api_id = aws_api_gateway_rest_api.orders.id }
  }
  http_apis = {
    catalog = { api_id = aws_apigatewayv2_api.catalog.id }
  }

  # An example is meant to be destroyed; keep deletion protection on in real deployments.
  deletion_protection_enabled = false

  # Operations (docs/operations.md): the dashboard, and alarms when a topic is given.
  create_dashboard    = true
  alarm_sns_topic_arn = var.alarm_sns_topic_arn

  tags = { Example = var.name }
}

################################################################################
# The user pool, with the token trigger wired
################################################################################

resource "aws_cognito_user_pool" "this" {
  name = var.name

  username_attributes      = ["email"]
  auto_verified_attributes = ["email"]

  lambda_config {
    # V2_0 (the module's default) puts the session claim in the ID and the access token; it needs the
    # Essentials or Plus feature plan (the default plan of new pools). On the Lite plan use V1_0.
    pre_token_generation_config {
      lambda_arn     = module.cognito_revocation.pre_token_generation_config.lambda_arn
      lambda_version = module.cognito_revocation.pre_token_generation_config.lambda_version
    }
    # Optional: also record sessions at sign-in.
    post_authentication = module.cognito_revocation.token_trigger_function_arn
  }
}

resource "aws_cognito_user_pool_client" "web" {
  name         = "${var.name}-web"
  user_pool_id = aws_cognito_user_pool.this.id

  # ALLOW_ADMIN_USER_PASSWORD_AUTH lets try-it.sh sign the test user in from the AWS CLI with your IAM credentials
  # (a server-side flow; no password ever travels to a browser). Drop it in a real app client.
  explicit_auth_flows     = ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_ADMIN_USER_PASSWORD_AUTH"]
  enable_token_revocation = true # Cognito then puts origin_jti in the tokens: per-session revocation.

  access_token_validity  = 60
  id_token_validity      = 60
  refresh_token_validity = 30
  token_validity_units {
    access_token  = "minutes"
    id_token      = "minutes"
    refresh_token = "days"
  }
}

################################################################################
# A REST API protected by the authorizer
################################################################################

resource "aws_api_gateway_rest_api" "orders" {
  name = "${var.name}-orders"
}

resource "aws_api_gateway_resource" "orders" {
  rest_api_id = aws_api_gateway_rest_api.orders.id
  parent_id   = aws_api_gateway_rest_api.orders.root_resource_id
  path_part   = "orders"
}

resource "aws_api_gateway_method" "get_orders" {
  rest_api_id   = aws_api_gateway_rest_api.orders.id
  resource_id   = aws_api_gateway_resource.orders.id
  http_method   = "GET"
  authorization = "CUSTOM"
  authorizer_id = module.cognito_revocation.rest_api_authorizer_ids["orders"]
}

resource "aws_api_gateway_integration" "get_orders" {
  rest_api_id       = aws_api_gateway_rest_api.orders.id
  resource_id       = aws_api_gateway_resource.orders.id
  http_method       = aws_api_gateway_method.get_orders.http_method
  type              = "MOCK"
  request_templates = { "application/json" = jsonencode({ statusCode = 200 }) }
}

resource "aws_api_gateway_method_response" "get_orders" {
  rest_api_id = aws_api_gateway_rest_api.orders.id
  resource_id = aws_api_gateway_resource.orders.id
  http_method = aws_api_gateway_method.get_orders.http_method
  status_code = "200"
}

resource "aws_api_gateway_integration_response" "get_orders" {
  rest_api_id        = aws_api_gateway_rest_api.orders.id
  resource_id        = aws_api_gateway_resource.orders.id
  http_method        = aws_api_gateway_method.get_orders.http_method
  status_code        = aws_api_gateway_method_response.get_orders.status_code
  response_templates = { "application/json" = jsonencode({ orders = [] }) }
  depends_on         = [aws_api_gateway_integration.get_orders]
}

resource "aws_api_gateway_deployment" "orders" {
  rest_api_id = aws_api_gateway_rest_api.orders.id

  # A REST API serves what its stage's deployment captured: redeploy when a method, its integration or the
  # authorizer (a new id, or a changed identity source or cache TTL) changes, or the stage keeps the old setup.
  triggers = {
    redeployment = sha1(jsonencode([
      aws_api_gateway_resource.orders.id,
      aws_api_gateway_method.get_orders.id,
      aws_api_gateway_integration.get_orders.id,
      aws_api_gateway_integration_response.get_orders.id,
      module.cognito_revocation.rest_api_authorizer_ids,
      module.cognito_revocation.authorizer_invoke_arn,
    ]))
  }

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_api_gateway_stage" "orders" {
  rest_api_id   = aws_api_gateway_rest_api.orders.id
  deployment_id = aws_api_gateway_deployment.orders.id
  stage_name    = "v1"
}

################################################################################
# An HTTP API protected by the authorizer
################################################################################

resource "aws_apigatewayv2_api" "catalog" {
  name          = "${var.name}-catalog"
  protocol_type = "HTTP"
}

resource "aws_apigatewayv2_integration" "catalog" {
  api_id             = aws_apigatewayv2_api.catalog.id
  integration_type   = "HTTP_PROXY"
  integration_method = "GET"
  integration_uri    = "https://example.com/"
}

resource "aws_apigatewayv2_route" "catalog" {
  api_id             = aws_apigatewayv2_api.catalog.id
  route_key          = "GET /catalog"
  target             = "integrations/${aws_apigatewayv2_integration.catalog.id}"
  authorization_type = "CUSTOM"
  authorizer_id      = module.cognito_revocation.http_api_authorizer_ids["catalog"]
}

resource "aws_apigatewayv2_stage" "catalog" {
  api_id      = aws_apigatewayv2_api.catalog.id
  name        = "$default"
  auto_deploy = true
}

################################################################################
# Admin tooling may invoke the admin signout function, nothing more
################################################################################

resource "aws_iam_policy" "revocation_admin" {
  name        = "${var.name}-revocation-admin"
  description = "Invoke the cognito-revocation admin signout function."
  policy      = module.cognito_revocation.admin_invoke_policy_json
}
