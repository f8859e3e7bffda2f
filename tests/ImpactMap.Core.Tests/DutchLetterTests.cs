using ImpactMap.Core.Documents;
using ImpactMap.Core.Engine;
using ImpactMap.Core.Incidents;
using ImpactMap.Core.Model;
using ImpactMap.Tests.Shared;

namespace ImpactMap.Core.Tests;

/// <summary>The letters in Dutch: every state, every phase and the review, as a Dutch communications officer would write them.</summary>
public class DutchLetterTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 30, 5, 0, 0, TimeSpan.Zero);
    private static readonly LetterSettings Bank = new("Meldpunt storingen van de bank <storingen@bank.example>");

    /// <summary>A supplier, a service on it (degraded by a soft dependency), and three parties: down, degraded, at risk.</summary>
    private const string Graph = """
        nodes:
          - {id: cloud, kind: supplier, name: Wolkendienst Noord}
          - {id: betalen, kind: service, name: Betaalplatform}
          - {id: backup, kind: service, name: Noodkassa}
          - {id: winkel, kind: customer, name: Webwinkel Jansen, attributes: {language: nl, timeZone: Europe/Amsterdam, contact: info@jansen.example}}
          - {id: portaal, kind: customer, name: Klantportaal, attributes: {language: nl, audience: internal}}
          - {id: kassa, kind: customer, name: Filiaal Utrecht, groups: {kassa: {need: 1}}, attributes: {language: nl}}
          - {id: shop, kind: customer, name: English shop}
        dependencies:
          - {from: betalen, to: cloud}
          - {from: winkel, to: betalen}
          - {from: portaal, to: betalen, effect: degraded}
          - {from: kassa, to: betalen, group: kassa}
          - {from: kassa, to: backup, group: kassa}
          - {from: shop, to: betalen}
        """;

    private static Incident Open()
    {
        var graph = GraphDocuments.ToGraph(GraphDocuments.ReadYaml(new StringReader(Graph)));
        IncidentOutage[] outages = [new("cloud", NodeState.Down)];
        var impact = IncidentImpacts.Compute(new PropagationEngine(graph), 1, outages, TimeSpan.FromMinutes(90), Start, 1000);
        return new Incident("i-nl", "g", "Storing betaalplatform", IncidentStatus.Investigating, Start, TimeSpan.FromMinutes(90), outages, impact, [], null, Start, null, 1,
                Advice: "Laat klanten contant of met een betaalverzoek betalen")
            .WithUpdate(Start.AddMinutes(25), IncidentStatus.Identified, "Een defecte netwerkkaart in het datacenter van Wolkendienst Noord is de oorzaak", null, null, null);
    }

    private static Notice For(Incident incident, string node, string? language = null) =>
        Notices.For(incident, incident.Impact.Affected, Bank, language).Single(n => n.Node == node);

    [Test]
    public void A_party_whose_language_is_Dutch_gets_a_Dutch_letter_for_each_state_while_it_lasts()
    {
        var incident = Open();

        var down = For(incident, "winkel");
        var degraded = For(incident, "portaal");
        var atRisk = For(incident, "kassa");

        Assert.That(down.Subject, Is.EqualTo("Storing met gevolgen voor u: Storing betaalplatform"));
        Assert.That(down.Message, Is.EqualTo(
            "Beste Webwinkel Jansen,\n\n"
            + "U ondervindt hinder door een storing bij Wolkendienst Noord: die dienst is uitgevallen. U merkt dit via uw dienst Betaalplatform, "
            + "die daarvan afhankelijk is. De storing is begonnen op 2026-11-30 05:00 UTC (06:00 in Europe/Amsterdam).\n\n"
            + "Gevolgen voor u: volledige uitval, sinds 2026-11-30 05:00 UTC (06:00 in Europe/Amsterdam) (vanaf het begin van de storing). "
            + "We verwachten dat het uiterlijk 2026-11-30 06:30 UTC (07:30 in Europe/Amsterdam) is opgelost, 1 uur en 30 minuten na het begin. "
            + "Wat u intussen kunt doen: Laat klanten contant of met een betaalverzoek betalen.\n\n"
            + "Laatste stand van zaken (de oorzaak is bekend, 2026-11-30 05:25 UTC (06:25 in Europe/Amsterdam)): "
            + "Een defecte netwerkkaart in het datacenter van Wolkendienst Noord is de oorzaak.\n\n"
            + "Hebt u vragen, of merkt u zelf iets wat wij moeten weten? Beantwoord dan dit bericht; het komt terecht bij "
            + "Meldpunt storingen van de bank <storingen@bank.example>.\n\n"
            + "Met vriendelijke groet,\nMeldpunt storingen van de bank"));
        Assert.That(degraded.Message, Does.Contain("Gevolgen voor u: verminderde dienstverlening, sinds 2026-11-30 05:00 UTC (vanaf het begin van de storing)."));
        Assert.That(atRisk.Message, Does.Contain("Gevolgen voor u: verhoogd risico, want u draait op uw laatste reserve, sinds 2026-11-30 05:00 UTC"));
        Assert.That(For(incident, "shop").Message, Does.StartWith("Dear English shop,"), "English stays the default");
        var markdown = Notices.ToMarkdown(incident, [down, For(incident, "shop")]);
        Assert.That(markdown, Does.Contain("- **Aan:** Webwinkel Jansen <info@jansen.example>\n- **Onderwerp:** Storing met gevolgen voor u"));
        Assert.That(markdown, Does.Contain("- **Getroffen vanaf:** 2026-11-30 05:00 UTC, vanaf het begin van de storing\n- **Keten:** `cloud` → `betalen` → `winkel`"));
        Assert.That(markdown, Does.Contain("- **To:** English shop (shop)"), "each party's section in its own language");
    }

    [Test]
    public void Once_resolved_and_reviewed_the_Dutch_letter_says_so_with_the_review()
    {
        var reviewed = Open()
            .WithUpdate(Start.AddMinutes(70), IncidentStatus.Resolved, "De netwerkkaart is vervangen en alle betalingen lopen weer", null, null, null);
        var restored = For(reviewed, "winkel");
        reviewed = reviewed.WithReview(new IncidentReview(
            "Een defecte netwerkkaart in één rack van Wolkendienst Noord legde de database van het betaalplatform stil, die maar in dat ene rack draaide.",
            "Ons betaalplatform draaide in één rack zonder uitwijk, en dat stond nergens beschreven.",
            [new PreventionAction("De database van het betaalplatform over twee racks spreiden", "platformteam", new DateOnly(2027, 2, 1))], Start.AddDays(3)));
        var letter = For(reviewed, "winkel");

        Assert.That((restored.Subject, restored.Phase), Is.EqualTo(("Storing verholpen: Storing betaalplatform", "restored")));
        Assert.That(restored.Message, Does.Contain("U hebt hinder ondervonden door een storing bij Wolkendienst Noord: die dienst was uitgevallen. "
            + "U merkte dit via uw dienst Betaalplatform, die daarvan afhankelijk was. De storing begon op 2026-11-30 05:00 UTC (06:00 in Europe/Amsterdam)."));
        Assert.That(restored.Message, Does.Contain("Gevolgen voor u: volledige uitval, van 2026-11-30 05:00 UTC (06:00 in Europe/Amsterdam) (vanaf het begin van de storing) "
            + "tot 2026-11-30 06:10 UTC (07:10 in Europe/Amsterdam). De dienstverlening is hersteld."));
        Assert.That(restored.Message, Does.Contain("Laatste stand van zaken (opgelost, "));
        Assert.That(restored.Message, Does.Not.Contain("We verwachten").And.Not.Contain("Wat u intussen kunt doen"));
        Assert.That((letter.Subject, letter.Phase), Is.EqualTo(("Evaluatie van de storing: Storing betaalplatform", "reviewed")));
        Assert.That(letter.Message, Does.Contain("Wat er is gebeurd: Een defecte netwerkkaart in één rack van Wolkendienst Noord legde de database"));
        Assert.That(letter.Message, Does.Contain("Wat we ervan hebben geleerd: Ons betaalplatform draaide in één rack zonder uitwijk, en dat stond nergens beschreven."));
        Assert.That(letter.Message, Does.Contain("Zo voorkomen we dat het opnieuw gebeurt: De database van het betaalplatform over twee racks spreiden "
            + "(verantwoordelijk: platformteam, uiterlijk 2027-02-01)."));
    }

    [Test]
    public void Alternatives_lost_together_and_shortened_chains_read_as_Dutch()
    {
        var graph = GraphDocuments.ToGraph(GraphDocuments.ReadYaml(new StreamReader(SampleCorpus.GraphFile("payment-chain"))));
        IncidentOutage[] outages = [new("visa", NodeState.Down)];
        var impact = IncidentImpacts.Compute(new PropagationEngine(graph), 1, outages, null, Start, 1000);
        var incident = new Incident("i-2", "payment-chain", "Visa storing", IncidentStatus.Investigating, Start, null, outages, impact, [], null, Start, null, 1);

        var orders = For(incident, "order-service", "nl");
        var shoppers = For(incident, "shopco-customers", "nl");

        Assert.That(orders.Message, Does.Contain("U ondervindt hinder door een storing bij Visa: die dienst is uitgevallen. U merkt dit via uw dienst ShopCo checkout, "
            + "die daarvan afhankelijk is via Primary PSP en Fallback PSP. Beide alternatieven voor psp, Primary PSP en Fallback PSP, zijn tegelijk getroffen."));
        Assert.That(shoppers.Message, Does.Contain("U merkt dit via uw dienst ShopCo checkout, die via eigen leveranciers daarvan afhankelijk is. "
            + "Beide alternatieven voor psp, Primary PSP en Fallback PSP, zijn tegelijk getroffen."), "an outsider hears its own supplier and the origin");
    }

    [Test]
    public void A_long_chain_is_told_in_Dutch_by_its_first_steps_and_a_count()
    {
        var incident = LetterTests.OnChain(5_000);

        var deep = For(incident, "s4999", "nl");

        Assert.That(deep.Message, Does.Contain("U ondervindt hinder door een storing bij Service 0: die dienst is uitgevallen. U merkt dit via uw dienst Service 4998, "
            + "die daarvan afhankelijk is via Service 4997, Service 4996, Service 4995, Service 4994, Service 4993, Service 4992, Service 4991, Service 4990, "
            + "Service 4989 en 4.988 andere onderdelen."));
        Assert.That(deep.Message, Has.Length.LessThan(2_000));
    }

    [Test]
    public void Every_Dutch_letter_of_the_samples_in_every_phase_is_Dutch_throughout()
    {
        string[] english = ["You ", " affected", " because ", "Impact on you", "Kind regards", "Dear ", " which ", " depends", "Service has been", "Latest update"];
        foreach (var (name, origin) in new[] { ("cloud-region", "aws-eu-west-1"), ("payment-chain", "acquirer-a"), ("crowdstrike-2024", "crowdstrike-falcon") })
        {
            var graph = GraphDocuments.ToGraph(GraphDocuments.ReadYaml(new StreamReader(SampleCorpus.GraphFile(name))));
            foreach (var state in new[] { NodeState.Down, NodeState.Degraded })
            {
                IncidentOutage[] outages = [new(origin, state)];
                var impact = IncidentImpacts.Compute(new PropagationEngine(graph), 1, outages, TimeSpan.FromHours(2), Start, 1000);
                var open = new Incident("i", name, "Storing", IncidentStatus.Investigating, Start, TimeSpan.FromHours(2), outages, impact, [], null, Start, null, 1)
                    .WithUpdate(Start.AddMinutes(5), IncidentStatus.Monitoring, "Hersteld, we kijken mee", null, null, null);
                var restored = open.WithUpdate(Start.AddHours(1), IncidentStatus.Resolved, "Alles werkt weer", null, null, null);
                foreach (var incident in new[] { open, restored })
                {
                    var letters = Notices.For(incident, incident.Impact.Affected, Bank, "nl");
                    Assert.That(letters, Has.Count.EqualTo(incident.Impact.Total));
                    foreach (var letter in letters)
                    {
                        Assert.That(letter.Message, Does.StartWith("Beste ").And.Contain(graph.FindNode(origin)!.Name).And.EndWith("Meldpunt storingen van de bank"), letter.Message);
                        Assert.That(english.Where(w => letter.Message.Contains(w, StringComparison.Ordinal)), Is.Empty, letter.Message);
                    }
                }
            }
        }
    }

    [Test]
    public void Durations_are_written_in_Dutch()
    {
        Assert.That(DutchLetterSpans(), Is.EqualTo(new[] { "0 seconden", "1 seconde", "45 seconden", "1 minuut", "1 uur en 30 minuten", "2 dagen, 3 uur en 1 minuut" }));

        static IEnumerable<string> DutchLetterSpans() =>
            new[] { TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(45), TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(90), new TimeSpan(2, 3, 1, 0) }
                .Select(Notices.SpanIn("nl"));
    }
}
