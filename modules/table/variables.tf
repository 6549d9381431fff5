variable "create" {
  description = "Create the table. `false` creates nothing (outputs are null): another module instance owns the table."
  type        = bool
  default     = true
  nullable    = false
}

variable "region" {
  description = "Region of the table (the provider's). With `partition` and `account_id` it makes the `arn` output known at plan time, and a replica in this region is refused. `null` skips both."
  type        = string
  default     = null
}

variable "partition" {
  description = "AWS partition of the table (`aws`, `aws-cn`, `aws-us-gov`)."
  type        = string
  default     = "aws"
  nullable    = false

  validation {
    condition     = can(regex("^aws(-[a-z]+)*$", var.partition))
    error_message = "partition must be an AWS partition such as aws, aws-cn or aws-us-gov."
  }
}

variable "account_id" {
  description = "Account id of the table; with `region`, makes the `arn` output known at plan time. `null` takes the ARN from the created table."
  type        = string
  default     = null

  validation {
    condition     = var.account_id == null || can(regex("^[0-9]{12}$", coalesce(var.account_id, "x")))
    error_message = "account_id must be 12 digits."
  }
}

variable "name" {
  description = "Name of the blocklist table."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]{3,255}$", var.name))
    error_message = "name must be 3–255 characters of letters, digits, `_`, `-` or `.` (DynamoDB table name rules)."
  }
}

variable "kms_key_arn" {
  description = "ARN of a customer managed KMS key to encrypt the table with. `null` uses the AWS owned key (encryption at rest is always on)."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>), not an alias or key id; or null for the AWS owned key."
  }
}

variable "point_in_time_recovery_enabled" {
  description = "Turn on point-in-time recovery (continuous backups) for the table and its replicas."
  type        = bool
  default     = true
}

variable "deletion_protection_enabled" {
  description = "Refuse DeleteTable while true. Turn off before destroying the module on purpose."
  type        = bool
  default     = true
}

variable "replicas" {
  description = "Regions to replicate the table to (global table, version 2019.11.21). `kms_key_arn` is the replica's own key in that region; `null` uses the AWS owned key."
  type = list(object({
    region_name = string
    kms_key_arn = optional(string)
  }))
  default  = []
  nullable = false

  validation {
    condition     = alltrue([for r in var.replicas : can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]+$", r.region_name))])
    error_message = "Each replica's region_name must be an AWS region name such as eu-central-1."
  }

  validation {
    condition     = alltrue([for r in var.replicas : r.kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$", r.kms_key_arn))])
    error_message = "Each replica's kms_key_arn must be a KMS key ARN in the replica's region, or null."
  }

  validation {
    condition     = length(distinct([for r in var.replicas : r.region_name])) == length(var.replicas)
    error_message = "List each replica region once."
  }
}

variable "tags" {
  description = "Tags for the table (replicas inherit them)."
  type        = map(string)
  default     = {}
  nullable    = false
}

variable "billing_mode" {
  description = "Capacity mode of the table: `PAY_PER_REQUEST` (on-demand, default) or `PROVISIONED` (read and write capacity auto-scaled between `provisioned_capacity` minimum and maximum by target tracking). Not with `replicas`."
  type        = string
  default     = "PAY_PER_REQUEST"
  nullable    = false

  validation {
    condition     = contains(["PAY_PER_REQUEST", "PROVISIONED"], var.billing_mode)
    error_message = "billing_mode must be \"PAY_PER_REQUEST\" (on-demand) or \"PROVISIONED\"."
  }
}

variable "provisioned_capacity" {
  description = "With `billing_mode = \"PROVISIONED\"`, per dimension: the auto scaling range in capacity units (`*_min_capacity`, also the starting capacity; `*_max_capacity`) and the target utilisation in percent (`*_target_utilization`, 20–90). Ignored on-demand."
  type = object({
    read_min_capacity        = optional(number, 5)
    read_max_capacity        = optional(number, 1000)
    read_target_utilization  = optional(number, 70)
    write_min_capacity       = optional(number, 5)
    write_max_capacity       = optional(number, 1000)
    write_target_utilization = optional(number, 70)
  })
  default  = {}
  nullable = false

  validation {
    condition = alltrue([for d in ["read", "write"] :
      var.provisioned_capacity["${d}_min_capacity"] >= 1 && floor(var.provisioned_capacity["${d}_min_capacity"]) == var.provisioned_capacity["${d}_min_capacity"] &&
      floor(var.provisioned_capacity["${d}_max_capacity"]) == var.provisioned_capacity["${d}_max_capacity"] && var.provisioned_capacity["${d}_max_capacity"] >= var.provisioned_capacity["${d}_min_capacity"]
    ])
    error_message = "provisioned_capacity: the min and max capacities are whole numbers of capacity units, each minimum at least 1 and each maximum at least its minimum."
  }

  validation {
    condition     = var.provisioned_capacity.read_target_utilization >= 20 && var.provisioned_capacity.read_target_utilization <= 90 && var.provisioned_capacity.write_target_utilization >= 20 && var.provisioned_capacity.write_target_utilization <= 90
    error_message = "provisioned_capacity: read_target_utilization and write_target_utilization are percentages from 20 to 90 (DynamoDB auto scaling's range)."
  }
}
