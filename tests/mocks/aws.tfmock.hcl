# Mocked AWS values shared by the root module's test suites: fixed ARNs and ids in eu-west-1, account
# 123456789012, so plans can be compared exactly.

mock_data "aws_region" {
  defaults = {
    name = "eu-west-1"
  }
}
mock_data "aws_caller_identity" {
  defaults = {
    account_id = "123456789012"
  }
}
mock_data "aws_partition" {
  defaults = {
    partition  = "aws"
    dns_suffix = "amazonaws.com"
  }
}
mock_resource "aws_dynamodb_table" {
  defaults = {
    arn = "arn:aws:dynamodb:eu-west-1:123456789012:table/cognito-revocation-blocklist"
  }
}
mock_resource "aws_iam_role" {
  defaults = {
    arn = "arn:aws:iam::123456789012:role/mocked"
  }
}
mock_resource "aws_api_gateway_authorizer" {
  defaults = {
    id = "rst123"
  }
}
mock_resource "aws_apigatewayv2_authorizer" {
  defaults = {
    id = "htp123"
  }
}

override_resource {
  target = module.function["authorizer"].aws_lambda_function.this
  values = {
    arn        = "arn:aws:lambda:eu-west-1:123456789012:function:cognito-revocation-authorizer"
    invoke_arn = "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:123456789012:function:cognito-revocation-authorizer/invocations"
  }
}

override_resource {
  target = module.token_trigger.aws_lambda_function.this
  values = {
    arn = "arn:aws:lambda:eu-west-1:123456789012:function:cognito-revocation-token-trigger"
  }
}

override_resource {
  target = module.function["admin_signout"].aws_lambda_function.this
  values = {
    arn = "arn:aws:lambda:eu-west-1:123456789012:function:cognito-revocation-admin-signout"
  }
}

override_resource {
  target = module.function["authorizer"].aws_cloudwatch_log_group.this
  values = {
    arn = "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/cognito-revocation-authorizer"
  }
}

override_resource {
  target = module.token_trigger.aws_cloudwatch_log_group.this
  values = {
    arn = "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/cognito-revocation-token-trigger"
  }
}

override_resource {
  target = module.function["admin_signout"].aws_cloudwatch_log_group.this
  values = {
    arn = "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/cognito-revocation-admin-signout"
  }
}
