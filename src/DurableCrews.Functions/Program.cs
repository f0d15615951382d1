using DurableCrews.Functions;
using Microsoft.Extensions.Hosting;

FunctionsApp.CreateBuilder(args).Build().Run();
