# The storage account for HsmVault's tables and the Functions runtime, reached only with Entra ID
# (shared-key access off). With a private-endpoint subnet, public network access is off and table,
# blob and queue are reached through private endpoints.

variable "name" {
  description = "Storage account name (3-24 lowercase letters and digits)."
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

variable "principal_id" {
  description = "Object id of the managed identity that gets the data-plane roles."
  type        = string
}

variable "private_endpoint_subnet_id" {
  description = "Subnet for the table, blob and queue private endpoints; empty keeps public network access (Entra ID only)."
  type        = string
}

variable "private_dns_zone_ids" {
  description = "Private DNS zone ids keyed by endpoint: table, blob, queue; missing keys get no DNS zone group."
  type        = map(string)
}

variable "workspace_id" {
  description = "Log Analytics workspace that receives the diagnostics."
  type        = string
}

locals {
  use_private_endpoints = var.private_endpoint_subnet_id != ""
  # Exactly what the app (tables) and the Functions runtime (blobs, queues) need.
  roles     = ["Storage Table Data Contributor", "Storage Blob Data Owner", "Storage Queue Data Contributor"]
  endpoints = local.use_private_endpoints ? toset(["table", "blob", "queue"]) : toset([])
}

resource "azurerm_storage_account" "this" {
  name                            = var.name
  resource_group_name             = var.resource_group_name
  location                        = var.location
  account_kind                    = "StorageV2"
  account_tier                    = "Standard"
  account_replication_type        = "ZRS"
  min_tls_version                 = "TLS1_2"
  https_traffic_only_enabled      = true
  shared_access_key_enabled       = false
  default_to_oauth_authentication = true
  allow_nested_items_to_be_public = false
  public_network_access_enabled   = !local.use_private_endpoints
  tags                            = var.tags

  network_rules {
    default_action = local.use_private_endpoints ? "Deny" : "Allow"
    bypass         = ["AzureServices"]
  }
}

# The audit log: append blobs laid out as Key Vault's diagnostic logs. Operators can add a time-based immutability
# policy or a legal hold to this container (the app only creates and appends).
resource "azurerm_storage_container" "audit" {
  name                  = "insights-logs-auditevent"
  storage_account_id    = azurerm_storage_account.this.id
  container_access_type = "private"
}

resource "azurerm_role_assignment" "data" {
  for_each             = toset(local.roles)
  scope                = azurerm_storage_account.this.id
  role_definition_name = each.value
  principal_id         = var.principal_id
  principal_type       = "ServicePrincipal"
}

resource "azurerm_private_endpoint" "this" {
  for_each            = local.endpoints
  name                = "${var.name}-${each.value}-pe"
  resource_group_name = var.resource_group_name
  location            = var.location
  subnet_id           = var.private_endpoint_subnet_id
  tags                = var.tags

  private_service_connection {
    name                           = "${var.name}-${each.value}"
    private_connection_resource_id = azurerm_storage_account.this.id
    subresource_names              = [each.value]
    is_manual_connection           = false
  }

  dynamic "private_dns_zone_group" {
    for_each = contains(keys(var.private_dns_zone_ids), each.value) ? [var.private_dns_zone_ids[each.value]] : []
    content {
      name                 = "default"
      private_dns_zone_ids = [private_dns_zone_group.value]
    }
  }
}

resource "azurerm_monitor_diagnostic_setting" "account" {
  name                       = "to-log-analytics"
  target_resource_id         = azurerm_storage_account.this.id
  log_analytics_workspace_id = var.workspace_id

  metric {
    category = "Transaction"
  }
}

resource "azurerm_monitor_diagnostic_setting" "table" {
  name                       = "to-log-analytics"
  target_resource_id         = "${azurerm_storage_account.this.id}/tableServices/default"
  log_analytics_workspace_id = var.workspace_id

  enabled_log {
    category = "StorageRead"
  }
  enabled_log {
    category = "StorageWrite"
  }
  enabled_log {
    category = "StorageDelete"
  }
  metric {
    category = "Transaction"
  }
}

output "name" {
  description = "Storage account name."
  value       = azurerm_storage_account.this.name
}

output "blob_endpoint" {
  description = "Blob endpoint of the storage account (audit log)."
  value       = azurerm_storage_account.this.primary_blob_endpoint
}

output "table_endpoint" {
  description = "Table endpoint of the storage account."
  value       = azurerm_storage_account.this.primary_table_endpoint
}
