# examples/complete, tested from the root: every run's module block plans examples/complete itself (one `terraform
# test` process for the root and its parts: each process pays ~3 s of CPU before its first run, docs/testing.md).
# Reviewable IAM: a plan of the example shows every role policy in full, before anything exists, so reviewers
# and policy scanners see each grant. The run is a plan: a value known only after apply cannot be compared, and
# the assertions below would fail to evaluate. The pool's id is made known at plan here (override_during), as it is
# for a pool that already exists: on the very first plan of a configuration that creates the pool in the same
# apply, the statements naming the pool carry its id as "known after apply" — nothing else does.

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
    override_during = plan
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

run "every_role_policy_is_known_at_plan" {
  module {
    source = "./examples/complete"
  }

  command = plan

  assert {
    condition     = length(compact(values(module.cognito_revocation.role_policies))) == 3
    error_message = "The example's three functions each have a policy document at plan."
  }

  assert {
    condition = jsondecode(module.cognito_revocation.role_policies.authorizer) == {
      Version = "2012-10-17"
      Statement = [
        { Sid = "WriteOwnLogs", Effect = "Allow", Action = ["logs:CreateLogStream", "logs:PutLogEvents"], Resource = ["arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/revocation-example-authorizer:*"] },
        { Sid = "ReadBlocklist", Effect = "Allow", Action = ["dynamodb:Query"], Resource = ["arn:aws:dynamodb:eu-west-1:123456789012:table/revocation-example-blocklist"] },
      ]
    }
    error_message = "Authorizer policy at plan: ${module.cognito_revocation.role_policies.authorizer}"
  }

  assert {
    condition = jsondecode(module.cognito_revocation.role_policies.token_trigger) == {
      Version = "2012-10-17"
      Statement = [
        { Sid = "WriteOwnLogs", Effect = "Allow", Action = ["logs:CreateLogStream", "logs:PutLogEvents"], Resource = ["arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/revocation-example-token-trigger:*"] },
        { Sid = "RecordSessions", Effect = "Allow", Action = ["dynamodb:PutItem"], Resource = ["arn:aws:dynamodb:eu-west-1:123456789012:table/revocation-example-blocklist"] },
      ]
    }
    error_message = "Token trigger policy at plan: ${module.cognito_revocation.role_policies.token_trigger}"
  }

  assert {
    condition = jsondecode(module.cognito_revocation.role_policies.admin_signout) == {
      Version = "2012-10-17"
      Statement = [
        { Sid = "WriteOwnLogs", Effect = "Allow", Action = ["logs:CreateLogStream", "logs:PutLogEvents"], Resource = ["arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/revocation-example-admin-signout:*"] },
        { Sid = "RevokeAndListSessions", Effect = "Allow", Action = ["dynamodb:BatchWriteItem", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"], Resource = ["arn:aws:dynamodb:eu-west-1:123456789012:table/revocation-example-blocklist"] },
        { Sid = "SignOutUsersOfOnePool", Effect = "Allow", Action = ["cognito-idp:AdminGetUser", "cognito-idp:AdminUserGlobalSignOut", "cognito-idp:ListUsers"], Resource = ["arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_Example01"] },
      ]
    }
    error_message = "Admin policy at plan: ${module.cognito_revocation.role_policies.admin_signout}"
  }

  # The admin tooling's policy (the example's own aws_iam_policy) names the admin function's ARN, which exists only
  # after apply; it is the one policy of the example not in full at the first plan.
}
