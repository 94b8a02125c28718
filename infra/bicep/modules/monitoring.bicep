// Log Analytics workspace and a workspace-based Application Insights component.

@description('Azure region.')
param location string

@description('Name prefix of the resources.')
param namePrefix string

@description('Days logs are kept in the workspace.')
param logRetentionDays int

@description('Tags for every resource.')
param tags object

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: '${namePrefix}-logs'
  location: location
  tags: tags
  properties: {
    sku: { name: 'PerGB2018' }
    retentionInDays: logRetentionDays
  }
}

resource insights 'Microsoft.Insights/components@2020-02-02' = {
  name: '${namePrefix}-insights'
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
  }
}

output workspaceId string = workspace.id
output insightsName string = insights.name
output insightsConnectionString string = insights.properties.ConnectionString
