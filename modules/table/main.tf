# The blocklist: revocation entries and session records in one table (key schema in
# lambdas/adapters/dynamodb/schema.ts). On-demand capacity by default, provisioned with target-tracking auto scaling
# as an option (autoscaling.tf); TTL on `expiresAt` (readers still compare the expiry themselves: TTL deletes
# lazily), encryption at rest always on.
resource "aws_dynamodb_table" "this" {
  count = var.create ? 1 : 0

  name         = var.name
  billing_mode = var.billing_mode
  # Provisioned: the starting capacity is the auto scaling minimum; afterwards Application Auto Scaling owns the
  # figures (ignore_changes below), so an apply never resets a scaled-up table to its minimum.
  read_capacity               = local.provisioned ? var.provisioned_capacity.read_min_capacity : null
  write_capacity              = local.provisioned ? var.provisioned_capacity.write_min_capacity : null
  hash_key                    = "pk"
  range_key                   = "sk"
  deletion_protection_enabled = var.deletion_protection_enabled

  # Global table replicas need a stream of new and old images.
  stream_enabled   = length(var.replicas) > 0
  stream_view_type = length(var.replicas) > 0 ? "NEW_AND_OLD_IMAGES" : null

  attribute {
    name = "pk"
    type = "S"
  }

  attribute {
    name = "sk"
    type = "S"
  }

  ttl {
    attribute_name = "expiresAt"
    enabled        = true
  }

  server_side_encryption {
    enabled     = var.kms_key_arn != null
    kms_key_arn = var.kms_key_arn
  }

  point_in_time_recovery {
    enabled = var.point_in_time_recovery_enabled
  }

  dynamic "replica" {
    for_each = var.replicas

    content {
      region_name            = replica.value.region_name
      kms_key_arn            = replica.value.kms_key_arn
      point_in_time_recovery = var.point_in_time_recovery_enabled
      propagate_tags         = true
    }
  }

  tags = var.tags

  lifecycle {
    # Auto scaling changes the capacities outside Terraform. Switching an existing on-demand table to PROVISIONED
    # still works: with the capacities ignored the provider starts the table at 1 unit each, and registering the
    # scalable targets raises it to their minimum (docs/table-schema.md, "Capacity mode").
    ignore_changes = [read_capacity, write_capacity]

    precondition {
      condition     = !(local.provisioned && length(var.replicas) > 0)
      error_message = "billing_mode = \"PROVISIONED\" is not supported with replicas: a global table needs identical, auto-scaled write capacity in every replica region, which this module manages only in the table's own region. Use PAY_PER_REQUEST for a global table."
    }
    precondition {
      condition     = var.kms_key_arn == null || alltrue([for r in var.replicas : r.kms_key_arn != null])
      error_message = "The table uses a customer managed key, so every replica needs its own key in its region (table_replicas kms_key_arn): a KMS key cannot be used outside its region. Missing for: ${join(", ", [for r in var.replicas : r.region_name if r.kms_key_arn == null])}."
    }
    precondition {
      condition     = var.region == null || !contains([for r in var.replicas : r.region_name], coalesce(var.region, "-"))
      error_message = "table_replicas lists ${coalesce(var.region, "-")}, the table's own region: list only the other regions."
    }
    precondition {
      condition     = alltrue([for r in var.replicas : r.kms_key_arn == null || split(":", coalesce(r.kms_key_arn, "a:b:c:d"))[3] == r.region_name])
      error_message = "Each replica's kms_key_arn must be a key in the replica's own region (the fourth field of the ARN)."
    }
  }
}

moved {
  from = aws_dynamodb_table.this
  to   = aws_dynamodb_table.this[0]
}
