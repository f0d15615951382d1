using DurableCrews.Configuration;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;

namespace DurableCrews.Functions;

/// <summary>The Functions worker's host, composed in one place so that tests build exactly what Azure runs.</summary>
public static class FunctionsApp
{
    /// <summary>The worker's host builder with DurableCrews registered.</summary>
    public static FunctionsApplicationBuilder CreateBuilder(string[] args)
    {
        var builder = FunctionsApplication.CreateBuilder(args);
        builder.ConfigureFunctionsWebApplication();
        builder.Services.AddDurableCrews(builder.Configuration);
        return builder;
    }
}
