using ImpactMap.Core.Engine;
using ImpactMap.Core.Model;

namespace ImpactMap.Core.Tests;

public class NearestIdsTests
{
    private static readonly DependencyGraph Graph = DependencyGraph.Create(
        new[] { "payments-hub", "payment-hub-eu", "kyc-check", "KYC-check-2", "aws-eu-west-1", "aws-eu-west-2", "aws-us-east-1", "shop" }
            .Select(id => Node.Create(id, Node.Service)).ToList(), []);

    [TestCase("paymnets-hub", new[] { "payments-hub" })]
    [TestCase("aws-eu-west-3", new[] { "aws-eu-west-1", "aws-eu-west-2" })]
    [TestCase("KYC-CHECK", new[] { "kyc-check" })]
    [TestCase("something-else-entirely", new string[0])]
    [TestCase("x", new string[0])]
    public void A_mistyped_id_is_offered_the_closest_ids_closest_first(string asked, string[] expected)
    {
        Assert.That(NearestIds.Of(asked, Graph), Is.EqualTo(expected));
    }

    [Test]
    public void An_impact_naming_a_mistyped_node_says_which_was_meant()
    {
        var error = Assert.Throws<UnknownNodeException>(() => new PropagationEngine(Graph).Impact(new ImpactQuery([new Outage("aws-eu-wset-1")])))!;

        Assert.That(error.Message, Is.EqualTo("unknown node(s): 'aws-eu-wset-1'; did you mean 'aws-eu-west-1' or 'aws-eu-west-2'?"), "the closest first");
    }
}
