# The blocklist table's plan: key schema, TTL, encryption, PITR, deletion protection, replicas.

mock_provider "aws" {}

variables {
  name = "test-blocklist"
}

run "defaults" {
  command = plan

  assert {
    condition     = aws_dynamodb_table.this.billing_mode == "PAY_PER_REQUEST" && aws_dynamodb_table.this.hash_key == "pk" && aws_dynamodb_table.this.range_key == "sk"
    error_message = "The table is on-demand with hash key pk and range key sk (lambdas/adapters/dynamodb/schema.ts)."
  }

  assert {
    condition     = toset([for a in aws_dynamodb_table.this.attribute : "${a.name}:${a.type}"]) == toset(["pk:S", "sk:S"])
    error_message = "pk and sk are strings; no other attribute is declared."
  }

  assert {
    condition     = aws_dynamodb_table.this.ttl[0].enabled && aws_dynamodb_table.this.ttl[0].attribute_name == "expiresAt"
    error_message = "TTL must be enabled on expiresAt."
  }

  assert {
    condition     = aws_dynamodb_table.this.server_side_encryption[0].enabled == false
    error_message = "Without a key the table uses the AWS owned key."
  }

  assert {
    condition     = aws_dynamodb_table.this.point_in_time_recovery[0].enabled && aws_dynamodb_table.this.deletion_protection_enabled
    error_message = "PITR and deletion protection default to on."
  }

  assert {
    condition     = aws_dynamodb_table.this.stream_enabled == false && length(aws_dynamodb_table.this.replica) == 0
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
      { region_name = "us-east-1" },
    ]
  }

  assert {
    condition     = aws_dynamodb_table.this.server_side_encryption[0].enabled && aws_dynamodb_table.this.server_side_encryption[0].kms_key_arn == "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"
    error_message = "The customer managed key must encrypt the table."
  }

  assert {
    condition     = !aws_dynamodb_table.this.point_in_time_recovery[0].enabled && !aws_dynamodb_table.this.deletion_protection_enabled
    error_message = "PITR and deletion protection follow their inputs."
  }

  assert {
    condition     = aws_dynamodb_table.this.stream_enabled && aws_dynamodb_table.this.stream_view_type == "NEW_AND_OLD_IMAGES"
    error_message = "Replicas need a NEW_AND_OLD_IMAGES stream."
  }

  assert {
    condition     = toset([for r in aws_dynamodb_table.this.replica : r.region_name]) == toset(["eu-central-1", "us-east-1"])
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
