# examples/complete, tested from the root: every run's module block plans examples/complete itself (one `terraform
# test` process for the root and its parts: each process pays ~3 s of CPU before its first run, docs/testing.md).
# The example plans (mocked AWS provider): the pool takes the trigger's ARN and the module takes the pool's id
# without a dependency cycle, and the APIs' methods and routes use the module's authorizers.

mock_provider "aws" {
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
      partition = "aws"
    }
  }
  mock_resource "aws_dynamodb_table" {
    defaults = {
      arn = "arn:aws:dynamodb:eu-west-1:123456789012:table/revocation-example-blocklist"
    }
  }
  mock_resource "aws_lambda_function" {
    defaults = {
      arn        = "arn:aws:lambda:eu-west-1:123456789012:function:revocation-example-token-trigger"
      invoke_arn = "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:123456789012:function:revocation-example-authorizer/invocations"
    }
  }
  mock_resource "aws_cognito_user_pool" {
    defaults = {
      id = "eu-west-1_Example01"
    }
  }
  mock_resource "aws_cognito_user_pool_client" {
    defaults = {
      id = "4b7kq0mv9n2l3c8d5e6f1g0h2j"
    }
  }
  mock_resource "aws_api_gateway_rest_api" {
    defaults = {
      id = "a1b2c3d4e5"
    }
  }
  mock_resource "aws_apigatewayv2_api" {
    defaults = {
      id = "f6g7h8i9j0"
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
  mock_resource "aws_iam_role" {
    defaults = {
      arn = "arn:aws:iam::123456789012:role/mocked"
    }
  }
}

run "pool_apis_and_module_wire_together" {
  module {
    source = "./examples/complete"
  }

  command = apply

  assert {
    condition     = aws_cognito_user_pool.this.lambda_config[0].pre_token_generation_config[0].lambda_arn == module.cognito_revocation.token_trigger_function_arn && aws_cognito_user_pool.this.lambda_config[0].pre_token_generation_config[0].lambda_version == "V2_0"
    error_message = "The pool's pre-token-generation trigger must be the module's token trigger, event version V2_0."
  }

  assert {
    condition     = aws_api_gateway_method.get_orders.authorization == "CUSTOM" && aws_api_gateway_method.get_orders.authorizer_id == "rst123"
    error_message = "GET /orders must use the module's REST authorizer."
  }

  assert {
    condition     = aws_apigatewayv2_route.catalog.authorization_type == "CUSTOM" && aws_apigatewayv2_route.catalog.authorizer_id == "htp123"
    error_message = "GET /catalog must use the module's HTTP API authorizer."
  }

  assert {
    condition     = jsondecode(aws_iam_policy.revocation_admin.policy).Statement[0].Action == ["lambda:InvokeFunction"]
    error_message = "The admin policy allows invoking the admin function only."
  }
}

run "alarms_and_dashboard_plan" {
  module {
    source = "./examples/complete"
  }

  command = apply

  variables {
    alarm_sns_topic_arn = "arn:aws:sns:eu-west-1:123456789012:ops-alerts"
  }

  assert {
    condition     = module.cognito_revocation.dashboard_name == "revocation-example-revocation"
    error_message = "Dashboard: ${jsonencode(module.cognito_revocation.dashboard_name)}"
  }

  assert {
    condition     = toset(keys(module.cognito_revocation.alarm_arns)) == toset(["fail-open", "store-errors", "cache-flush-failed", "hint-unwritten", "trigger-errors"])
    error_message = "Alarms: ${jsonencode(keys(module.cognito_revocation.alarm_arns))}"
  }
}
