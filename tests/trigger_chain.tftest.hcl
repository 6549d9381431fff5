# Chaining the pool's existing pre-token-generation function: the token trigger's environment names it, its role
# may invoke exactly that ARN and nothing else, and without it nothing changes.

mock_provider "aws" {
  source = "./tests/mocks"
}

variables {
  user_pool_id = "eu-west-1_AbCdEf123"
  client_ids   = ["4b7kq0mv9n2l3c8d5e6f1g0h2j"]
}

run "no_chain_by_default" {
  command = apply

  assert {
    condition     = length(aws_iam_role_policy.trigger_chain) == 0 && output.trigger_chain == null
    error_message = "No chained function was named, yet a chain policy or output exists."
  }

  assert {
    condition     = module.token_trigger.environment["CHAINED_TRIGGER_FUNCTION"] == "" && module.token_trigger.environment["CHAINED_TRIGGER_TIMEOUT_MS"] == "3000"
    error_message = "Token trigger environment: ${jsonencode(module.token_trigger.environment)}"
  }
}

run "chained_function_invocable_and_nothing_else" {
  command = apply

  variables {
    chained_pre_token_generation_function_arn = "arn:aws:lambda:eu-west-1:123456789012:function:tenant-claims:live"
    chained_trigger_timeout_ms                = 2500
  }

  assert {
    condition = jsondecode(aws_iam_role_policy.trigger_chain[0].policy) == jsondecode(jsonencode({
      Version = "2012-10-17"
      Statement = [{
        Sid      = "InvokeChainedPreTokenGenerationFunction"
        Effect   = "Allow"
        Action   = ["lambda:InvokeFunction"]
        Resource = ["arn:aws:lambda:eu-west-1:123456789012:function:tenant-claims:live"]
      }]
    }))
    error_message = "Chain policy: ${aws_iam_role_policy.trigger_chain[0].policy}"
  }

  assert {
    condition     = aws_iam_role_policy.trigger_chain[0].role == module.token_trigger.role_name
    error_message = "The chain policy is not on the token trigger's role."
  }

  assert {
    condition     = module.token_trigger.environment["CHAINED_TRIGGER_FUNCTION"] == "arn:aws:lambda:eu-west-1:123456789012:function:tenant-claims:live" && module.token_trigger.environment["CHAINED_TRIGGER_TIMEOUT_MS"] == "2500"
    error_message = "Token trigger environment: ${jsonencode(module.token_trigger.environment)}"
  }

  assert {
    condition     = output.trigger_chain.function_arn == "arn:aws:lambda:eu-west-1:123456789012:function:tenant-claims:live"
    error_message = "trigger_chain output: ${jsonencode(output.trigger_chain)}"
  }
}

run "refuses_a_name_instead_of_an_arn" {
  command = plan

  variables {
    chained_pre_token_generation_function_arn = "tenant-claims"
  }

  expect_failures = [var.chained_pre_token_generation_function_arn]
}

run "refuses_a_deadline_past_cognitos_budget" {
  command = plan

  variables {
    chained_pre_token_generation_function_arn = "arn:aws:lambda:eu-west-1:123456789012:function:tenant-claims"
    chained_trigger_timeout_ms                = 4400
    trigger_store_timeout_ms                  = 300
  }

  expect_failures = [aws_iam_role_policy.trigger_chain]
}
