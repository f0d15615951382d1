import { resourceTags } from 'types.bicep'

metadata description = 'Log Analytics and workspace-based Application Insights with local (key) authentication off: the app sends telemetry with its managed identity.'

@description('The Log Analytics workspace\'s name.')
param logAnalyticsName string

@description('The Application Insights component\'s name.')
param applicationInsightsName string

@description('The Azure region.')
param location string

@description('Tags for both resources.')
param tags resourceTags

@description('The name of the user-assigned identity (in this resource group) that publishes telemetry.')
param identityName string

@description('How long the workspace keeps logs, in days.')
@minValue(30)
@maxValue(730)
param retentionInDays int = 30

var monitoringMetricsPublisherRoleId = '3913510d-42f4-4e42-8a64-420c390055eb'

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' existing = {
  name: identityName
}

resource workspace 'Microsoft.OperationalInsights/workspaces@2026-03-01' = {
  name: logAnalyticsName
  location: location
  tags: tags
  properties: {
    retentionInDays: retentionInDays
    sku: {
      name: 'PerGB2018'
    }
    features: {
      disableLocalAuth: true
    }
  }
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: applicationInsightsName
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
    DisableLocalAuth: true
  }
}

resource metricsPublisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(applicationInsights.id, identity.id, monitoringMetricsPublisherRoleId)
  scope: applicationInsights
  properties: {
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId(
      'Microsoft.Authorization/roleDefinitions',
      monitoringMetricsPublisherRoleId
    )
  }
}

@description('The Application Insights connection string. It holds the instrumentation key, an identifier rather than a secret: with local authentication off, ingestion also needs an Entra token.')
output connectionString string = applicationInsights.properties.ConnectionString
