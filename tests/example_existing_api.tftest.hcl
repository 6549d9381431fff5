# examples/existing-api, tested from the root: every run's module block plans examples/existing-api itself (one
# `terraform test` process for the root and its parts: each process pays ~3 s of CPU before its first run,
# docs/testing.md).
# The example plans (mocked AWS provider) with its placeholder ids, and the existing authorizer gets exactly one
# scoped permission and no new authorizer.

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
      arn = "arn:aws:dynamodb:eu-west-1:123456789012:table/cognito-revocation-blocklist"
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

run "only_wiring" {
  module {
    source = "./examples/existing-api"
  }

  command = apply

  assert {
    condition     = output.rest_api_authorizer_ids == { orders = "rst123" } && output.http_api_authorizer_ids == { catalog = "htp123" }
    error_message = "One authorizer on each API the module manages."
  }

  assert {
    condition     = module.cognito_revocation.authorizer_permission_source_arns["existing/legacy"] == "arn:aws:execute-api:eu-west-1:123456789012:k1l2m3n4o5/authorizers/x9y8z7"
    error_message = "The legacy authorizer's permission must name exactly that authorizer."
  }

  assert {
    condition     = output.pre_token_generation_config.lambda_version == "V2_0"
    error_message = "The pool owner gets the trigger ARN and event version."
  }
}
