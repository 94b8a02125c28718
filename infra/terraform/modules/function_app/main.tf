# The Linux Function App (isolated worker, custom container with the HSM's PKCS#11 client) on an
# Elastic Premium or Dedicated plan, integrated into the customer's subnet to reach the HSM.
# Every setting name used here is listed in infra/app-settings.json (checked by tests).

variable "name_prefix" {
  description = "Name prefix of the resources."
  type        = string
}

variable "resource_group_name" {
  description = "Resource group to deploy into."
  type        = string
}

variable "location" {
  description = "Azure region."
  type        = string
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
}

variable "plan_sku" {
  description = "Plan SKU: EP1-EP3 (Elastic Premium) or P1v3-P3v3 (Dedicated)."
  type        = string
}

variable "container_image" {
  description = "Container image registry/repository:tag."
  type        = string
}

variable "pull_with_managed_identity" {
  description = "Whether the image is pulled from an Azure Container Registry with the managed identity."
  type        = bool
}

variable "identity_id" {
  description = "Resource id of the user-assigned managed identity."
  type        = string
}

variable "identity_client_id" {
  description = "Client id of the user-assigned managed identity."
  type        = string
}

variable "storage_account_name" {
  description = "Storage account used by the runtime and for tables."
  type        = string
}

variable "table_endpoint" {
  description = "Table endpoint of the storage account."
  type        = string
}

variable "blob_endpoint" {
  description = "Blob endpoint of the storage account (audit log)."
  type        = string
}

variable "insights_connection_string" {
  description = "Application Insights connection string."
  type        = string
  sensitive   = true
}

variable "workspace_id" {
  description = "Log Analytics workspace that receives the diagnostics."
  type        = string
}

variable "integration_subnet_id" {
  description = "Subnet the app is integrated into (delegated to Microsoft.Web/serverFarms); the HSM must be reachable from it."
  type        = string
}

variable "hsm" {
  description = "Values of the HsmVault__* app settings."
  type = object({
    library_path             = string
    token_label              = string
    token_serial             = string
    max_idle_sessions        = number
    table_prefix             = string
    vault_dns_suffix         = string
    default_vault_name       = string
    auth_authority           = string
    tenant_id                = string
    auth_audience            = string
    auth_additional_audience = string
    operator_role            = string
    portal_origin            = string
    initial_admin_object_id  = string
  })
}

variable "hsm_pin_secret_uri" {
  description = "Key Vault secret URI of the HSM user PIN."
  type        = string
  sensitive   = true
}

variable "custom_domain_certificate_key_vault_id" {
  description = "Resource id of the Key Vault holding the custom-domain certificate; empty: no custom domain."
  type        = string
}

variable "custom_domain_certificate_secret_name" {
  description = "Name of the Key Vault secret (certificate) covering the vault DNS suffix and *.suffix."
  type        = string
}

locals {
  is_elastic = startswith(var.plan_sku, "EP")
  image      = regex("^(?P<registry>[^/]+)/(?P<name>.+):(?P<tag>[^:/]+)$", var.container_image)

  # FUNCTIONS_EXTENSION_VERSION, APPLICATIONINSIGHTS_CONNECTION_STRING and AzureWebJobsStorage__accountName
  # are written by the provider from functions_extension_version, application_insights_connection_string
  # and storage_account_name + storage_uses_managed_identity.
  base_settings = {
    "FUNCTIONS_WORKER_RUNTIME"                   = "dotnet-isolated"
    "WEBSITES_ENABLE_APP_SERVICE_STORAGE"        = "false"
    "AzureWebJobsStorage__credential"            = "managedidentity"
    "AzureWebJobsStorage__clientId"              = var.identity_client_id
    "HsmVault__Hsm__LibraryPath"                 = var.hsm.library_path
    "HsmVault__Hsm__UserPin"                     = "@Microsoft.KeyVault(SecretUri=${var.hsm_pin_secret_uri})"
    "HsmVault__Hsm__MaxIdleSessions"             = tostring(var.hsm.max_idle_sessions)
    "HsmVault__Storage__TableEndpoint"           = var.table_endpoint
    "HsmVault__Storage__BlobEndpoint"            = var.blob_endpoint
    "HsmVault__Storage__ManagedIdentityClientId" = var.identity_client_id
    "HsmVault__Storage__TablePrefix"             = var.hsm.table_prefix
    "HsmVault__Vaults__DnsSuffix"                = var.hsm.vault_dns_suffix
    "HsmVault__Vaults__DefaultVault"             = var.hsm.default_vault_name
    "HsmVault__Vaults__PublicPort"               = "443"
    "HsmVault__Auth__Authority"                  = var.hsm.auth_authority
    "HsmVault__Auth__TenantId"                   = var.hsm.tenant_id
    "HsmVault__Auth__Audiences__0"               = var.hsm.auth_audience
    "HsmVault__Auth__OperatorRole"               = var.hsm.operator_role
    "HsmVault__Seed__Vaults__0__Name"            = var.hsm.default_vault_name
  }

  # Left out when empty (the app treats a missing setting as unset).
  optional_settings = {
    "HsmVault__Hsm__TokenLabel"                              = var.hsm.token_label
    "HsmVault__Hsm__TokenSerial"                             = var.hsm.token_serial
    "HsmVault__Portal__Origin"                               = var.hsm.portal_origin
    "HsmVault__Auth__Audiences__1"                           = var.hsm.auth_additional_audience
    "HsmVault__Seed__Vaults__0__AccessPolicies__0__ObjectId" = var.hsm.initial_admin_object_id
    "HsmVault__Seed__Vaults__0__AccessPolicies__0__Keys"     = var.hsm.initial_admin_object_id == "" ? "" : "all"
    "HsmVault__Seed__Vaults__0__AccessPolicies__0__Secrets"  = var.hsm.initial_admin_object_id == "" ? "" : "all"
  }

  app_settings = merge(local.base_settings, { for k, v in local.optional_settings : k => v if v != "" })

  use_custom_domain = var.custom_domain_certificate_key_vault_id != ""
}

resource "azurerm_service_plan" "this" {
  name                         = "${var.name_prefix}-plan"
  resource_group_name          = var.resource_group_name
  location                     = var.location
  os_type                      = "Linux"
  sku_name                     = var.plan_sku
  maximum_elastic_worker_count = local.is_elastic ? 20 : null
  tags                         = var.tags
}

resource "azurerm_linux_function_app" "this" {
  name                            = "${var.name_prefix}-func"
  resource_group_name             = var.resource_group_name
  location                        = var.location
  service_plan_id                 = azurerm_service_plan.this.id
  storage_account_name            = var.storage_account_name
  storage_uses_managed_identity   = true
  functions_extension_version     = "~4"
  https_only                      = true
  client_certificate_enabled      = false
  virtual_network_subnet_id       = var.integration_subnet_id
  key_vault_reference_identity_id = var.identity_id
  app_settings                    = local.app_settings
  tags                            = var.tags

  identity {
    type         = "UserAssigned"
    identity_ids = [var.identity_id]
  }

  site_config {
    minimum_tls_version                           = "1.2"
    scm_minimum_tls_version                       = "1.2"
    ftps_state                                    = "Disabled"
    http2_enabled                                 = true
    always_on                                     = !local.is_elastic
    vnet_route_all_enabled                        = true
    application_insights_connection_string        = var.insights_connection_string
    container_registry_use_managed_identity       = var.pull_with_managed_identity
    container_registry_managed_identity_client_id = var.pull_with_managed_identity ? var.identity_client_id : null

    application_stack {
      docker {
        registry_url = local.image.registry
        image_name   = local.image.name
        image_tag    = local.image.tag
      }
    }
  }
}

resource "azurerm_monitor_diagnostic_setting" "function_app" {
  name                       = "to-log-analytics"
  target_resource_id         = azurerm_linux_function_app.this.id
  log_analytics_workspace_id = var.workspace_id

  enabled_log {
    category = "FunctionAppLogs"
  }
  metric {
    category = "AllMetrics"
  }
}

# Custom domain: the bare suffix serves the default vault, *.suffix every other vault.
data "azurerm_key_vault" "certificate" {
  count               = local.use_custom_domain ? 1 : 0
  name                = element(split("/", var.custom_domain_certificate_key_vault_id), 8)
  resource_group_name = element(split("/", var.custom_domain_certificate_key_vault_id), 4)
}

resource "azurerm_app_service_certificate" "vault" {
  count               = local.use_custom_domain ? 1 : 0
  name                = "${var.name_prefix}-vault-cert"
  resource_group_name = var.resource_group_name
  location            = var.location
  key_vault_id        = var.custom_domain_certificate_key_vault_id
  key_vault_secret_id = "${data.azurerm_key_vault.certificate[0].vault_uri}secrets/${var.custom_domain_certificate_secret_name}"
  app_service_plan_id = azurerm_service_plan.this.id
  tags                = var.tags
}

resource "azurerm_app_service_custom_hostname_binding" "bare" {
  count               = local.use_custom_domain ? 1 : 0
  hostname            = var.hsm.vault_dns_suffix
  app_service_name    = azurerm_linux_function_app.this.name
  resource_group_name = var.resource_group_name
}

resource "azurerm_app_service_custom_hostname_binding" "wildcard" {
  count               = local.use_custom_domain ? 1 : 0
  hostname            = "*.${var.hsm.vault_dns_suffix}"
  app_service_name    = azurerm_linux_function_app.this.name
  resource_group_name = var.resource_group_name
  depends_on          = [azurerm_app_service_custom_hostname_binding.bare]
}

resource "azurerm_app_service_certificate_binding" "bare" {
  count               = local.use_custom_domain ? 1 : 0
  hostname_binding_id = azurerm_app_service_custom_hostname_binding.bare[0].id
  certificate_id      = azurerm_app_service_certificate.vault[0].id
  ssl_state           = "SniEnabled"
}

resource "azurerm_app_service_certificate_binding" "wildcard" {
  count               = local.use_custom_domain ? 1 : 0
  hostname_binding_id = azurerm_app_service_custom_hostname_binding.wildcard[0].id
  certificate_id      = azurerm_app_service_certificate.vault[0].id
  ssl_state           = "SniEnabled"
}

output "name" {
  description = "Name of the Function App."
  value       = azurerm_linux_function_app.this.name
}

output "default_host_name" {
  description = "Default host name of the Function App."
  value       = azurerm_linux_function_app.this.default_hostname
}
