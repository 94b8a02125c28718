// The storage account for HsmVault's tables, its audit log (append blobs in the container below) and the Functions
// runtime (host keys, leases, timers).
// Reached only with Entra ID (the managed identity): shared-key access is off, so no connection string
// with an account key exists anywhere. With a private-endpoint subnet, public network access is off and
// table, blob and queue are reached through private endpoints.

@description('Azure region.')
param location string

@description('Storage account name (3-24 lowercase letters and digits).')
param name string

@description('Tags for every resource.')
param tags object

@description('Object id of the managed identity that gets the data-plane roles.')
param principalId string

@description('Subnet for the table, blob and queue private endpoints; empty keeps public network access (Entra ID only).')
param privateEndpointSubnetId string

@description('Private DNS zone ids keyed by endpoint: table, blob, queue (privatelink.*.core.windows.net); missing keys get no DNS zone group.')
param privateDnsZoneIds object

@description('Log Analytics workspace that receives the diagnostics.')
param workspaceId string

var usePrivateEndpoints = !empty(privateEndpointSubnetId)

// Built-in roles: exactly what the app (tables, audit blobs) and the Functions runtime (blobs, queues) need.
var roles = {
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
}

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: { name: 'Standard_ZRS' }
  properties: {
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    allowBlobPublicAccess: false
    publicNetworkAccess: usePrivateEndpoints ? 'Disabled' : 'Enabled'
    networkAcls: {
      bypass: 'AzureServices'
      defaultAction: usePrivateEndpoints ? 'Deny' : 'Allow'
    }
  }
}

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2023-05-01' = {
  parent: account
  name: 'default'
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: account
  name: 'default'
}

// The audit log: append blobs laid out as Key Vault's diagnostic logs. Operators can add a time-based immutability
// policy or a legal hold to this container (the app only creates and appends).
resource auditContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: 'insights-logs-auditevent'
  properties: { publicAccess: 'None' }
}

resource roleAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for role in items(roles): {
  name: guid(account.id, principalId, role.value)
  scope: account
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role.value)
  }
}]

resource privateEndpoints 'Microsoft.Network/privateEndpoints@2023-11-01' = [for endpoint in ['table', 'blob', 'queue']: if (usePrivateEndpoints) {
  name: '${name}-${endpoint}-pe'
  location: location
  tags: tags
  properties: {
    subnet: { id: privateEndpointSubnetId }
    privateLinkServiceConnections: [
      {
        name: '${name}-${endpoint}'
        properties: {
          privateLinkServiceId: account.id
          groupIds: [endpoint]
        }
      }
    ]
  }
}]

resource dnsZoneGroups 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups@2023-11-01' = [for (endpoint, i) in ['table', 'blob', 'queue']: if (usePrivateEndpoints && contains(privateDnsZoneIds, endpoint)) {
  parent: privateEndpoints[i]
  name: 'default'
  properties: {
    privateDnsZoneConfigs: [
      {
        name: endpoint
        properties: { privateDnsZoneId: privateDnsZoneIds[?endpoint] ?? '' }
      }
    ]
  }
}]

resource accountDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: account
  properties: {
    workspaceId: workspaceId
    metrics: [{ category: 'Transaction', enabled: true }]
  }
}

resource tableDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: tableService
  properties: {
    workspaceId: workspaceId
    logs: [
      { category: 'StorageRead', enabled: true }
      { category: 'StorageWrite', enabled: true }
      { category: 'StorageDelete', enabled: true }
    ]
    metrics: [{ category: 'Transaction', enabled: true }]
  }
}

output name string = account.name
output tableEndpoint string = account.properties.primaryEndpoints.table
output blobEndpoint string = account.properties.primaryEndpoints.blob
