# The authorizers on the given APIs and the invoke permissions of the authorizer function, each scoped to
# exactly one authorizer ARN (`arn:<partition>:execute-api:<region>:<account>:<api id>/authorizers/<id>`).

locals {
  execute_api_arn_prefix = "arn:${var.partition}:execute-api:${var.region}:${var.account_id}"
}

resource "aws_api_gateway_authorizer" "rest" {
  for_each = var.rest_apis

  name                             = coalesce(each.value.name, "${var.name_prefix}-${each.key}")
  rest_api_id                      = each.value.rest_api_id
  type                             = each.value.type
  authorizer_uri                   = var.invoke_arn
  identity_source                  = each.value.identity_source
  identity_validation_expression   = each.value.type == "TOKEN" ? each.value.identity_validation_expression : null
  authorizer_result_ttl_in_seconds = each.value.authorizer_result_ttl_in_seconds
}

resource "aws_lambda_permission" "rest" {
  for_each = var.rest_apis

  statement_id  = "AllowRestApiAuthorizer-${each.key}"
  action        = "lambda:InvokeFunction"
  function_name = var.function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${local.execute_api_arn_prefix}:${each.value.rest_api_id}/authorizers/${aws_api_gateway_authorizer.rest[each.key].id}"
}

resource "aws_apigatewayv2_authorizer" "http" {
  for_each = var.http_apis

  name                              = coalesce(each.value.name, "${var.name_prefix}-${each.key}")
  api_id                            = each.value.api_id
  authorizer_type                   = "REQUEST"
  authorizer_uri                    = var.invoke_arn
  authorizer_payload_format_version = "2.0"
  enable_simple_responses           = var.enable_simple_responses
  identity_sources                  = each.value.identity_sources
  authorizer_result_ttl_in_seconds  = each.value.authorizer_result_ttl_in_seconds
}

resource "aws_lambda_permission" "http" {
  for_each = var.http_apis

  statement_id  = "AllowHttpApiAuthorizer-${each.key}"
  action        = "lambda:InvokeFunction"
  function_name = var.function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${local.execute_api_arn_prefix}:${each.value.api_id}/authorizers/${aws_apigatewayv2_authorizer.http[each.key].id}"
}

resource "aws_lambda_permission" "existing" {
  for_each = var.existing_authorizers

  statement_id  = "AllowExistingAuthorizer-${each.key}"
  action        = "lambda:InvokeFunction"
  function_name = var.function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${local.execute_api_arn_prefix}:${each.value.api_id}/authorizers/${each.value.authorizer_id}"
}

resource "aws_lambda_permission" "appsync" {
  for_each = var.appsync_api_ids

  statement_id  = "AllowAppSyncAuthorization-${each.key}"
  action        = "lambda:InvokeFunction"
  function_name = var.function_name
  principal     = "appsync.amazonaws.com"
  source_arn    = "arn:${var.partition}:appsync:${var.region}:${var.account_id}:apis/${each.value}"
}
