# Every function switched on, with fixed names and ids: the policies that test/iam/policy-proof.test.ts checks the
# bundles' recorded AWS calls against (it reads this run's outputs). The assertions here hold on their own: each
# function has a policy, and no statement grants every action or every resource.

mock_provider "aws" {
  source = "./tests/mocks"
}

override_resource {
  target = aws_sqs_queue.auto_revocation_dlq
  values = {
    arn = "arn:aws:sqs:eu-west-1:123456789012:cognito-revocation-auto-revocation-dlq"
    id  = "https://sqs.eu-west-1.amazonaws.com/123456789012/cognito-revocation-auto-revocation-dlq"
  }
}

override_resource {
  target = aws_cloudwatch_event_rule.cognito_calls
  values = {
    arn = "arn:aws:events:eu-west-1:123456789012:rule/cognito-revocation-cognito-calls"
  }
}

override_resource {
  target = aws_cloudwatch_event_rule.revocation_sweep
  values = {
    arn = "arn:aws:events:eu-west-1:123456789012:rule/cognito-revocation-revocation-sweep"
  }
}

