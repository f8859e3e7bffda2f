using ImpactMap.Core.Engine;

namespace ImpactMap.Core.Tests;

public class ArchitectureTests
{
    [Test]
    public void The_core_references_no_web_framework_database_driver_or_logger()
    {
        var references = typeof(PropagationEngine).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();

        Assert.That(references, Is.Not.Empty);
        Assert.That(references, Has.None.StartsWith("Microsoft.AspNetCore"));
        Assert.That(references, Has.None.StartsWith("Neo4j"));
        Assert.That(references, Has.None.StartsWith("Serilog"));
        Assert.That(references, Has.None.StartsWith("Microsoft.Data.Sqlite"));
        Assert.That(references, Has.None.StartsWith("ImpactMap.Storage"));
        Assert.That(references, Has.None.StartsWith("QuikGraph"), "QuikGraph serves the tests and the benchmark as an oracle, not the product");
    }
}
