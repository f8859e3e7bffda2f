using ImpactMap.Core.Documents;
using ImpactMap.Core.Engine;
using ImpactMap.Core.Model;
using ImpactMap.Tests.Shared;

namespace ImpactMap.Core.Tests;

public class CorpusTests
{
    [TestCaseSource(typeof(SampleCorpus), nameof(SampleCorpus.Cases))]
    public async Task Sample_graphs_have_their_expected_impacts(string graphName, ExpectedScenario scenario)
    {
        var graph = GraphDocuments.ToGraph(await GraphDocuments.ReadFileAsync(SampleCorpus.GraphFile(graphName)));
        var outages = scenario.Outages.Select(o =>
        {
            Assert.That(NodeStates.TryParse(o.State ?? "down", out var state), Is.True);
            return new Outage(o.Node, state);
        }).ToList();
        TimeSpan? duration = scenario.Duration is null ? null : Durations.TryParse(scenario.Duration, out var d) ? d : throw new FormatException(scenario.Duration);

        var result = new PropagationEngine(graph).Impact(new ImpactQuery(outages, scenario.MaxDepth, null, duration));

        Assert.That(result.Affected.Select(a => a.Id), Is.EquivalentTo(scenario.Affected.Keys));
        foreach (var node in result.Affected)
        {
            var expected = scenario.Affected[node.Id];
            Assert.That(node.State.ToWire(), Is.EqualTo(expected.State), node.Id);
            if (expected.ImpactAt is not null)
            {
                Assert.That(Durations.Format(node.ImpactAt), Is.EqualTo(expected.ImpactAt), node.Id);
            }

            if (expected.Depth is not null)
            {
                Assert.That(node.Depth, Is.EqualTo(expected.Depth), node.Id);
            }
        }

        foreach (var (id, path) in scenario.Paths ?? new Dictionary<string, IReadOnlyList<string>>())
        {
            Assert.That(result.Affected.Single(a => a.Id == id).Path, Is.EqualTo(path), id);
        }
    }

    [Test]
    public void The_corpus_holds_at_least_three_graphs_each_with_scenarios()
    {
        Assert.That(SampleCorpus.Cases().Select(c => c.Arguments[0]).Distinct().Count(), Is.GreaterThanOrEqualTo(3));
    }
}
