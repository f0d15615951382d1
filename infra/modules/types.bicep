metadata description = 'Types shared by the modules.'

@export()
@description('Resource tags: string values by name.')
type resourceTags = { *: string }

@export()
@description('An Azure OpenAI model deployment.')
type modelDeployment = {
  @description('The deployment\'s name: what the app asks for.')
  name: string

  @description('The model, e.g. gpt-4.1-mini or text-embedding-3-small.')
  modelName: string

  @description('The model version, e.g. 2025-04-14 or 1.')
  modelVersion: string

  @description('The deployment SKU: GlobalStandard or Standard are pay-per-token and cost nothing while idle.')
  skuName: string

  @description('The capacity, in thousands of tokens per minute.')
  @minValue(1)
  capacity: int
}
