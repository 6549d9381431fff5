# The blocklist table's plan: key schema, TTL, encryption, PITR, deletion protection, replicas.

mock_provider "aws" {}

variables {
  name = "test-blocklist"
}

run "defaults" {
  command = plan

  assert {
    condition     = aws_dynamodb_table.this[0].billing_mode == "PAY_PER_REQUEST" && aws_dynamodb_table.this[0].hash_key == "pk" && aws_dynamodb_table.this[0].range_key == "sk"
    error_message = "The table is on-demand with hash key pk and range key sk (lambdas/adapters/dynamodb/schema.ts)."
  }

  assert {
    condition     = toset([for a in aws_dynamodb_table.this[0].attribute : "${a.name}:${a.type}"]) == toset(["pk:S", "sk:S"])
    error_message = "pk and sk are strings; no other attribute is declared."
  }

  assert {
    condition     = aws_dynamodb_table.this[0].ttl[0].enabled && aws_dynamodb_table.this[0].ttl[0].attribute_name == "expiresAt"
    error_message = "TTL must be enabled on expiresAt."
  }

  assert {
    condition     = aws_dynamodb_table.this[0].server_side_encryption[0].enabled == false
    error_message = "Without a key the table uses the AWS owned key."
  }

  assert {
    condition     = aws_dynamodb_table.this[0].point_in_time_recovery[0].enabled && aws_dynamodb_table.this[0].deletion_protection_enabled
    error_message = "PITR and deletion protection default to on."
  }

  assert {
    condition     = aws_dynamodb_table.this[0].stream_enabled == false && length(aws_dynamodb_table.this[0].replica) == 0
    error_message = "No stream and no replica without replicas."
  }
}

run "customer_managed_key_and_replicas" {
  command = plan

  variables {
    kms_key_arn                    = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"
    point_in_time_recovery_enabled = false
    deletion_protection_enabled    = false
    replicas = [
      { region_name = "eu-central-1", kms_key_arn = "arn:aws:kms:eu-central-1:123456789012:key/66666666-7777-8888-9999-000000000000" },
      { region_name = "us-east-1", kms_key_arn = "arn:aws:kms:us-east-1:123456789012:key/77777777-7777-8888-9999-000000000000" },
    ]
  }

  assert {
    condition     = aws_dynamodb_table.this[0].server_side_encryption[0].enabled && aws_dynamodb_table.this[0].server_side_encryption[0].kms_key_arn == "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"
    error_message = "The customer managed key must encrypt the table."
  }

  assert {
    condition     = !aws_dynamodb_table.this[0].point_in_time_recovery[0].enabled && !aws_dynamodb_table.this[0].deletion_protection_enabled
    error_message = "PITR and deletion protection follow their inputs."
  }

  assert {
    condition     = aws_dynamodb_table.this[0].stream_enabled && aws_dynamodb_table.this[0].stream_view_type == "NEW_AND_OLD_IMAGES"
    error_message = "Replicas need a NEW_AND_OLD_IMAGES stream."
  }

  assert {
    condition     = toset([for r in aws_dynamodb_table.this[0].replica : r.region_name]) == toset(["eu-central-1", "us-east-1"])
    error_message = "One replica per listed region."
  }
}

run "replica_listed_twice" {
  command = plan
  variables {
    replicas = [{ region_name = "us-east-1" }, { region_name = "us-east-1" }]
  }
  expect_failures = [var.replicas]
}

run "table_name_with_spaces" {
  command = plan
  variables {
    name = "my blocklist"
  }
  expect_failures = [var.name]
}

run "customer_managed_key_without_a_key_for_a_replica" {
  command = plan
  variables {
    kms_key_arn = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"
    replicas    = [{ region_name = "us-east-1" }]
  }
  expect_failures = [aws_dynamodb_table.this]
}

run "replica_key_from_another_region" {
  command = plan
  variables {
    kms_key_arn = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"
    replicas    = [{ region_name = "us-east-1", kms_key_arn = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555" }]
  }
  expect_failures = [aws_dynamodb_table.this]
}

run "replica_in_the_table_region" {
  command = plan
  variables {
    region   = "eu-west-1"
    replicas = [{ region_name = "eu-west-1" }]
  }
  expect_failures = [aws_dynamodb_table.this]
}

run "replicas_without_keys_on_an_aws_owned_key_table" {
  command = plan
  variables {
    region   = "eu-west-1"
    replicas = [{ region_name = "us-east-1" }]
  }
  assert {
    condition     = length(aws_dynamodb_table.this[0].replica) == 1
    error_message = "Without a customer managed key, replicas need no key."
  }
}

run "create_false_creates_no_table" {
  command = plan
  variables {
    create = false
  }
  assert {
    condition     = length(aws_dynamodb_table.this) == 0 && output.arn == null && output.name == null
    error_message = "create = false: no table, null outputs."
  }
}

run "arn_known_at_plan_from_region_and_account" {
  command = plan
  variables {
    create     = false
    name       = "cognito-revocation-blocklist"
    region     = "us-east-1"
    account_id = "123456789012"
  }
  assert {
    condition     = output.arn == "arn:aws:dynamodb:us-east-1:123456789012:table/cognito-revocation-blocklist"
    error_message = "With region and account the ARN is known at plan, also for a replica created elsewhere."
  }
}
