// One role assignment for a principal on a resource that may live in another resource group
// (the container registry, the Key Vault holding the HSM PIN). Deployed at that resource group's scope.

@description('Resource id of the container registry or Key Vault the role is granted on.')
param resourceId string

@description('Built-in role definition id (GUID).')
param roleDefinitionId string

@description('Object id of the managed identity that receives the role.')
param principalId string

var isRegistry = contains(toLower(resourceId), '/providers/microsoft.containerregistry/registries/')
var resourceName = last(split(resourceId, '/'))

resource registry 'Microsoft.ContainerRegistry/registries@2023-07-01' existing = if (isRegistry) {
  name: resourceName
}

resource keyVault 'Microsoft.KeyVault/vaults@2023-07-01' existing = if (!isRegistry) {
  name: resourceName
}

resource onRegistry 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (isRegistry) {
  name: guid(resourceId, principalId, roleDefinitionId)
  scope: registry
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleDefinitionId)
  }
}

resource onKeyVault 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!isRegistry) {
  name: guid(resourceId, principalId, roleDefinitionId)
  scope: keyVault
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleDefinitionId)
  }
}
