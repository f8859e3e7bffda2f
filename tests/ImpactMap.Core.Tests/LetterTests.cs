using ImpactMap.Core.Documents;
using ImpactMap.Core.Engine;
using ImpactMap.Core.Incidents;
using ImpactMap.Core.Model;
using ImpactMap.Tests.Shared;

namespace ImpactMap.Core.Tests;

/// <summary>Letters a customer of a customer can use, on the sample graphs, in each phase of an incident.</summary>
public class LetterTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 30, 5, 0, 0, TimeSpan.Zero);
    private static readonly LetterSettings Bank = new("Bank incident desk <incidents@bank.example>");

    private static DependencyGraph Sample(string name)
    {
        using var reader = new StreamReader(SampleCorpus.GraphFile(name));
        return GraphDocuments.ToGraph(GraphDocuments.ReadYaml(reader));
    }

    private static Incident Open(string graph, string title, params IncidentOutage[] outages)
    {
        var impact = IncidentImpacts.Compute(new PropagationEngine(Sample(graph)), 1, outages, TimeSpan.FromHours(3), Start, 1000);
        return new Incident("i-1", graph, title, IncidentStatus.Investigating, Start, TimeSpan.FromHours(3), outages, impact, [], null, Start, null, 1)
            .WithUpdate(Start.AddMinutes(73), IncidentStatus.Identified, "AWS confirmed a power loss in one zone of eu-west-1", null, null, null);
    }

    private static Notice For(Incident incident, string node, LetterSettings? settings = null) =>
        Notices.For(incident, settings ?? Bank).Single(n => n.Node == node);

    [Test]
    public void The_customer_of_a_customer_is_greeted_told_why_when_in_its_own_time_zone_and_what_it_can_do()
    {
        var letter = For(Open("cloud-region", "eu-west-1 down", new IncidentOutage("aws-eu-west-1", NodeState.Down)), "acme-shoppers");

        Assert.That(letter.Subject, Is.EqualTo("Service disruption affecting you: eu-west-1 down"));
        Assert.That((letter.To, letter.From, letter.Phase), Is.EqualTo(("Acme's shoppers (acme-shoppers)", Bank.From, "ongoing")));
        Assert.That(letter.Message, Does.StartWith("Dear Acme's shoppers,\n\nYou are affected because your supplier Acme webshop (merchant on the bank's payment API) "
            + "depends, through its own suppliers, on AWS eu-west-1 (Ireland), which is down. The outage began at 2026-11-30 05:00 UTC (06:00 in Europe/Amsterdam)."));
        Assert.That(letter.Message, Does.Not.Contain("Online banking").And.Not.Contain("CRM Cloud"), "an end consumer is not told the bank's internals");
        Assert.That(letter.Message, Does.Contain("Impact on you: degraded, since 2026-11-30 05:00 UTC (06:00 in Europe/Amsterdam), at the start of the outage."));
        Assert.That(letter.Message, Does.Contain("Expected recovery: by 2026-11-30 08:00 UTC (09:00 in Europe/Amsterdam), 3 hours after the start."));
        Assert.That(letter.Message, Does.Contain("What you can do: Pay at Acme by bank transfer, or keep your basket and try again after recovery."));
        Assert.That(letter.Message, Does.Contain("Latest update, identified at 2026-11-30 06:13 UTC (07:13 in Europe/Amsterdam): AWS confirmed a power loss"));
        Assert.That(letter.Message, Does.EndWith("Reply to Bank incident desk <incidents@bank.example>.\n\nKind regards,\nBank incident desk"));
        Assert.That(letter.ImpactFrom, Is.EqualTo(Start));
    }

    [Test]
    public void A_party_with_a_contact_is_addressed_there_and_an_internal_party_is_told_the_whole_chain()
    {
        var incident = Open("cloud-region", "eu-west-1 down", new IncidentOutage("aws-eu-west-1", NodeState.Down));

        var merchant = For(incident, "acme-webshop");
        var contactCentre = For(incident, "bank-contact-centre");
        var kyc = For(incident, "kyc-check");

        Assert.That(merchant.To, Is.EqualTo("Acme webshop (merchant on the bank's payment API) <ops@acme.example>"));
        Assert.That(contactCentre.Message, Does.Contain("You are affected because your supplier CRM Cloud (SaaS) depends on AWS eu-west-1 (Ireland), which is down."));
        Assert.That(kyc.Message, Does.Contain("Impact on you: down, since 2026-11-30 05:30 UTC, 30 minutes after the outage began."));
        Assert.That(For(incident, "acme-webshop", new LetterSettings(FullChains: true)).Message,
            Does.Contain("your service Online banking depends on CRM Cloud (SaaS), which depends on AWS eu-west-1 (Ireland), which is down."),
            "a graph may opt into full chains for external parties");
        Assert.That(For(incident, "acme-webshop", LetterSettings.Default).Message, Does.EndWith("Kind regards,\nThe incident team").And.Not.Contain("Reply to"));
        var advised = incident with { Advice = "Use the bank's app, which runs in another region" };
        Assert.That(For(advised, "acme-webshop").Message, Does.Contain("What you can do: Use the bank's app, which runs in another region."),
            "the incident's advice for parties without their own");
        Assert.That(For(advised, "acme-shoppers").Message, Does.Contain("What you can do: Pay at Acme by bank transfer"), "a party's own advice comes first");
    }

    [Test]
    public void Once_resolved_the_letter_says_you_were_affected_until_when_and_that_service_is_restored()
    {
        var resolved = Open("cloud-region", "eu-west-1 down", new IncidentOutage("aws-eu-west-1", NodeState.Down))
            .WithUpdate(Start.AddMinutes(160), IncidentStatus.Resolved, "AWS restored eu-west-1 at 07:40 UTC; all services confirmed healthy", null, null, null);

        var letter = For(resolved, "acme-shoppers");

        Assert.That((letter.Subject, letter.Phase), Is.EqualTo(("Service restored: eu-west-1 down", "restored")));
        Assert.That(letter.Message, Does.Contain("You were affected because your supplier Acme webshop (merchant on the bank's payment API) "
            + "depended, through its own suppliers, on AWS eu-west-1 (Ireland), which was down."));
        Assert.That(letter.Message, Does.Contain("Impact on you: degraded, from 2026-11-30 05:00 UTC (06:00 in Europe/Amsterdam), at the start of the outage, "
            + "to 2026-11-30 07:40 UTC (08:40 in Europe/Amsterdam). Service has been restored."));
        Assert.That(letter.Message, Does.Not.Contain("You are affected").And.Not.Contain("which is down").And.Not.Contain("Expected recovery"));
    }

    [Test]
    public void Once_reviewed_the_letter_says_what_happened_what_was_learned_and_each_action_with_owner_and_due_date()
    {
        var reviewed = Open("cloud-region", "eu-west-1 down", new IncidentOutage("aws-eu-west-1", NodeState.Down))
            .WithUpdate(Start.AddMinutes(160), IncidentStatus.Resolved, "AWS restored eu-west-1", null, null, null)
            .WithReview(new IncidentReview("A power failure in zone euw1-az2 stopped the hosts of CRM Cloud, which ran in that zone alone.",
                "Our CRM vendor ran in one availability zone, and our contract did not say so.",
                [new PreventionAction("Require multi-zone hosting in the CRM contract renewal", "vendor-management", new DateOnly(2027, 3, 1))], Start.AddDays(2)));

        var letter = For(reviewed, "retail-customers");

        Assert.That((letter.Subject, letter.Phase), Is.EqualTo(("Incident review: eu-west-1 down", "reviewed")));
        Assert.That(letter.Message, Does.Contain("What happened: A power failure in zone euw1-az2 stopped the hosts of CRM Cloud, which ran in that zone alone."));
        Assert.That(letter.Message, Does.Contain("What we learned: Our CRM vendor ran in one availability zone, and our contract did not say so."));
        Assert.That(letter.Message, Does.Contain("How we prevent it from happening again: Require multi-zone hosting in the CRM contract renewal (owner: vendor-management, due 2027-03-01)."));
        Assert.That(letter.Message, Does.Contain("Service has been restored."));
    }

    [Test]
    public void A_fallback_lost_with_what_it_backs_up_is_named_together()
    {
        var incident = Open("payment-chain", "Visa down", new IncidentOutage("visa", NodeState.Down));

        var orders = For(incident, "order-service");
        var shoppers = For(incident, "shopco-customers");

        Assert.That(orders.Message, Does.Contain("your service ShopCo checkout depends on Primary PSP and Fallback PSP (both of its alternatives for psp, hit together), "
            + "which depend on Visa, which is down."));
        Assert.That(shoppers.Message, Does.Contain("your service ShopCo checkout depends, through its own suppliers, on Visa, which is down. "
            + "Both of the alternatives for psp, Primary PSP and Fallback PSP, are hit together."));
    }

    [Test]
    public void Every_affected_party_of_the_three_samples_gets_a_letter_that_names_its_origin_in_each_phase()
    {
        foreach (var (graph, origin) in new[] { ("cloud-region", "aws-eu-west-1"), ("payment-chain", "acquirer-a"), ("crowdstrike-2024", "crowdstrike-falcon") })
        {
            var open = Open(graph, $"{origin} down", new IncidentOutage(origin, NodeState.Down));
            var resolved = open.WithUpdate(Start.AddHours(2), IncidentStatus.Resolved, "restored", null, null, null);
            var originName = Sample(graph).FindNode(origin)!.Name;
            foreach (var (incident, phrase) in new[] { (open, "You are affected because"), (resolved, "You were affected because") })
            {
                var letters = Notices.For(incident, Bank);
                Assert.That(letters, Has.Count.EqualTo(incident.Impact.Total), graph);
                Assert.That(letters.Select(l => l.Message), Has.All.StartWith("Dear ").And.All.Contain(phrase).And.All.Contain(originName), graph);
            }
        }
    }

    /// <summary>An incident on a chain of services: s0 down takes s1 … s(length - 1) down, each through the one before.</summary>
    internal static Incident OnChain(int length)
    {
        var graph = DependencyGraph.Create(
            Enumerable.Range(0, length).Select(i => Node.Create($"s{i}", Node.Service, $"Service {i}")).ToList(),
            Enumerable.Range(1, length - 1).Select(i => Dependency.Create($"s{i}", $"s{i - 1}")).ToList());
        var outages = new[] { new IncidentOutage("s0", NodeState.Down) };
        var impact = IncidentImpacts.Compute(new PropagationEngine(graph), 1, outages, null, Start, length);
        return new Incident("i-1", "chain", "s0 down", IncidentStatus.Investigating, Start, null, outages, impact, [], null, Start, null, 1);
    }

    [Test]
    public void A_long_chain_is_told_by_its_first_steps_a_count_and_the_origin_while_the_path_keeps_every_step()
    {
        var incident = OnChain(5_000);

        var deep = Notices.For(incident, Bank).Single(n => n.Node == "s4999");
        var tenBetween = Notices.For(incident, Bank).Single(n => n.Node == "s12");
        var elevenBetween = Notices.For(incident, Bank).Single(n => n.Node == "s13");

        Assert.That(deep.Message, Does.Contain("You are affected because your service Service 4998 depends on Service 4997, which depends on Service 4996, "
            + "which depends on Service 4995, which depends on Service 4994, which depends on Service 4993, which depends on Service 4992, "
            + "which depends on Service 4991, which depends on Service 4990, which depends on Service 4989, "
            + "which depends, through 4,988 more components, on Service 0, which is down."));
        Assert.That(deep.Message, Has.Length.LessThan(2_000), "a letter stays a letter");
        Assert.That(deep.Path, Is.EqualTo(Enumerable.Range(0, 5_000).Select(i => $"s{i}")), "the path lists every step");
        Assert.That(tenBetween.Message, Does.Contain("which depends on Service 1, which depends on Service 0, which is down."),
            "ten components between are named, all of them");
        Assert.That(elevenBetween.Message, Does.Contain("which depends on Service 3, which depends, through 2 more components, on Service 0, which is down."));
    }
}
