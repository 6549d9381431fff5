# Which build of the Lambda code this module deploys. A release ships the zips in its tagged commit
# (docs/releasing.md) together with dist/build.json, written by scripts/build.mjs:
#   { "name": "cognito-revocation", "version": "<package.json version>",
#     "functions": { "<function>": { "zip", "sha256", "environmentContract", ... } } }
# The plan fails with one line when the zips were built for another version of the module, or against another
# environment contract (lambdas/config/contract.ts) than the one locals.tf sets — i.e. when the code would read
# variables the module does not set, or the module would set variables the code does not read — or when a zip is
# not the one build.json describes.

locals {
  # The module's version is package.json's: one number for the npm build, the zips and the Terraform module.
  module_version = try(jsondecode(file("${path.module}/package.json")).version, null)

  # Each function's zip, unless it is deployed from S3 (s3_existing_package); the issue #14 functions only when
  # their feature is on (automatic_revocation.tf, logout.tf).
  package_functions = merge(
    {
      authorizer    = { zip = "authorizer", environment = local.authorizer_environment }
      token_trigger = { zip = "token-trigger", environment = local.token_trigger_environment }
      admin_signout = { zip = "admin-signout", environment = local.admin_signout_environment }
    },
    local.auto_revocation_enabled ? { auto_revocation = { zip = "auto-revocation", environment = local.auto_revocation_environment } } : {},
    local.logout_enabled ? { logout = { zip = "logout", environment = local.logout_environment } } : {},
    local.introspection_enabled ? { introspection = { zip = "introspection", environment = local.introspection_environment } } : {},
    local.token_revocation_enabled ? { token_revocation = { zip = "token-revocation", environment = local.token_revocation_environment } } : {},
  )
  local_packages = {
    for key, fn in local.package_functions : fn.zip => fn if !contains(keys(var.s3_existing_package), key)
  }

  package_manifest_file = "${local.package_dir}/build.json"
  package_manifest      = fileexists(local.package_manifest_file) ? try(jsondecode(file(local.package_manifest_file)), {}) : null
  package_version       = try(tostring(local.package_manifest.version), "unknown")

  # The environment contract of each function as the module sets it: SHA-256 of the sorted variable names as a
  # JSON array, exactly as scripts/manifest.mjs computes it from lambdas/config/contract.ts.
  contract_mismatches = [
    for zip, fn in local.local_packages : zip
    if try(local.package_manifest.functions[zip].environmentContract, "") != sha256(jsonencode(sort(keys(fn.environment))))
  ]

  # Each zip must be the one build.json describes (a zip swapped after the build).
  zip_mismatches = [
    for zip, fn in local.local_packages : zip
    if try(local.package_manifest.functions[zip].sha256, "-") != try(filebase64sha256("${local.package_dir}/${zip}.zip"), "")
  ]

  # null when the zips belong to this module; otherwise the one line the plan fails with. Missing zips are
  # reported by modules/function's own precondition, so they are not repeated here.
  package_problem = (
    !var.create || length(local.local_packages) == 0 ? null :
    !alltrue([for zip, fn in local.local_packages : fileexists("${local.package_dir}/${zip}.zip")]) ? null :
    local.package_manifest == null ? "cognito-revocation: no build manifest at ${local.package_manifest_file}, so nothing ties these zips to module version ${coalesce(local.module_version, "unknown")}: use a release of the module (its tag ships the zips and build.json) or rebuild with `npm ci && npm run build` in the same checkout." :
    local.package_version != local.module_version ? "cognito-revocation: the zips in ${local.package_dir} are version ${local.package_version}, this module is version ${coalesce(local.module_version, "unknown")}: use the zips of the same release (`?ref=v${coalesce(local.module_version, "X.Y.Z")}` ships them), or rebuild with `npm ci && npm run build` in this checkout." :
    length(local.contract_mismatches) > 0 ? "cognito-revocation: the zips in ${local.package_dir} (version ${local.package_version}) read other environment variables than this module sets (${join(", ", local.contract_mismatches)}): rebuild them from this same checkout with `npm ci && npm run build`." :
    length(local.zip_mismatches) > 0 ? "cognito-revocation: ${join(", ", [for z in local.zip_mismatches : "${z}.zip"])} in ${local.package_dir} is not the zip build.json describes (SHA-256 differs): restore the release's files, or rebuild with `npm ci && npm run build`." :
    null
  )
}

output "module_version" {
  description = "Version of this module, which is the version of the Lambda zips it deploys (checked at plan against `dist/build.json`)."
  value       = local.module_version

  precondition {
    condition     = local.package_problem == null
    error_message = coalesce(local.package_problem, "-")
  }
}
