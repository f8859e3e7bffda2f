using ImpactMap.Core.Incidents;

namespace ImpactMap.Core.Tests;

/// <summary>The review rules on real-world phrasings, accepted and refused, in English and Dutch.</summary>
public class ReviewPolicyTests
{
    private static readonly DateOnly ReviewDate = new(2026, 12, 1);
    private const string Learned = "Certificate expiry had no alert and no owner, and renewal depended on one person.";
    private static readonly (string?, string?, string?)[] GoodAction = [("Alert 30 days before any certificate expires", "platform-team", "2027-01-15")];

    [TestCase("The TLS certificate of api.bank.example expired at 09:12 because auto-renewal was disabled in May.")]
    [TestCase("CrowdStrike channel file 291 crashed every Windows host running sensor 7.11 at boot.")]
    [TestCase("Het verlopen TLS-certificaat van de betaal-API werd niet automatisch vernieuwd omdat de cronjob was verwijderd.")]
    [TestCase("A manual change deleted the CNAME record for pay.example.com in the production zone, so resolvers returned NXDOMAIN.")]
    [TestCase("Our BGP session with the upstream carrier flapped after they rolled out a new route filter without telling us.")]
    [TestCase("The primary PostgreSQL node ran out of disk after WAL archiving to S3 stalled for six hours.")]
    [TestCase("A Terraform apply against the wrong workspace removed the load balancer listener for the checkout service.")]
    [TestCase("De UPS in datacenter Amsterdam-2 hield het maar vier minuten vol omdat twee batterijmodules versleten waren.")]
    [TestCase("Stripe's API in eu-west returned 500 errors for card payments, and our checkout had no second payment provider configured.")]
    [TestCase("Een wijziging in de firewallregels blokkeerde verkeer van de betaalprovider naar onze webhook-endpoint sinds 14:05.")]
    [TestCase("The connection pool of the orders API was capped at 20 while the Black Friday traffic needed 200 connections.")]
    [TestCase("Azure Front Door pushed a faulty configuration to its edge nodes, which returned 502 for our web shop for two hours.")]
    [TestCase("De database-migratie hernoemde de kolom klant_id terwijl de oude versie van de app er nog naar las.")]
    [TestCase("A memory leak in version 4.2 of the pricing service filled the heap within forty minutes of each restart.")]
    [TestCase("Het certificaat van de koppeling met de Belastingdienst verliep op zaterdag en niemand ontving de waarschuwingsmail.")]
    [TestCase("The Kafka consumer group for invoices stopped after a schema change added a required field the consumer did not know.")]
    [TestCase("Een medewerker draaide het herstelscript tegen productie in plaats van acceptatie omdat beide omgevingen dezelfde prompt hadden.")]
    [TestCase("The operator ran the cleanup script against production instead of staging because both hosts used the same shell prompt.")]
    [TestCase("AWS eu-west-1 lost power in one availability zone and our CRM vendor ran all of its databases in that zone.")]
    [TestCase("Onze DNS-provider verwijderde na een mislukte betaling de zone ictbank.nl, waardoor alle records verdwenen.")]
    public void A_cause_that_names_a_mechanism_is_accepted(string cause)
    {
        var problems = ReviewPolicy.Check(cause, Learned, GoodAction, ReviewDate);

        Assert.That(problems, Is.Empty, string.Join("; ", problems));
    }

    [TestCase("Technical issue", "name the component")]
    [TestCase("It was a technical outage.", "name the component")]
    [TestCase("A glitch", "name the component")]
    [TestCase("Unknown", "name the component")]
    [TestCase("unknown cause, under investigation", "name the component")]
    [TestCase("TBD", "name the component")]
    [TestCase("The database failed.", "name the component")]
    [TestCase("Human error", "which step or safeguard failed")]
    [TestCase("Human error by an employee during maintenance on the systems, which affected many customers.", "which step or safeguard failed")]
    [TestCase("network problem", "which link, device or route")]
    [TestCase("There was a network problem which affected our services for several hours this morning.", "which link, device or route")]
    [TestCase("config issue", "which setting changed")]
    [TestCase("configuration error", "which setting changed")]
    [TestCase("DNS issue", "which record, zone or resolver")]
    [TestCase("A short-lived DNS issue at our provider caused slowness for some users.", "which record, zone or resolver")]
    [TestCase("cloud issue", "name the supplier")]
    [TestCase("third party issue", "name the supplier")]
    [TestCase("vendor problem", "name the supplier")]
    [TestCase("capacity issue", "which resource ran out")]
    [TestCase("power outage", "which site or supply lost power")]
    [TestCase("Technische storing", "name the component")]
    [TestCase("Er was sprake van een technische storing.", "name the component")]
    [TestCase("Oorzaak onbekend", "name the component")]
    [TestCase("Een fout in de configuratie", "which setting changed")]
    [TestCase("Storing bij een leverancier", "name the supplier")]
    [TestCase("Door een storing bij een externe partij waren onze diensten enkele uren niet beschikbaar voor klanten.", "name the supplier")]
    [TestCase("Menselijke fout", "which step or safeguard failed")]
    [TestCase("Netwerkprobleem", "which link, device or route")]
    [TestCase("Stroomstoring in het datacenter", "which site or supply lost power")]
    [TestCase("Capaciteitsprobleem tijdens de piek", "which resource ran out")]
    public void A_category_or_padded_category_is_refused_with_advice_that_fits_the_word(string cause, string advice)
    {
        var problems = ReviewPolicy.Check(cause, Learned, GoodAction, ReviewDate);

        var problem = problems.Single(p => p.Path == "whatHappened");
        Assert.That(problem.Message, Does.Contain(advice));
    }

    [Test]
    public void A_concrete_cause_of_too_few_words_is_refused_by_count()
    {
        var problems = ReviewPolicy.Check("Expired TLS certificate on api.bank.example after renewal cron removed", Learned, GoodAction, ReviewDate);

        Assert.That(problems.Single(p => p.Path == "whatHappened").Message, Does.Contain("at least 12"));
    }

    [Test]
    public void What_was_learned_must_differ_from_what_happened()
    {
        const string cause = "The TLS certificate of api.bank.example expired at 09:12 because auto-renewal was disabled in May.";

        var same = ReviewPolicy.Check(cause, cause, GoodAction, ReviewDate);
        var reworded = ReviewPolicy.Check(cause, "The api.bank.example TLS certificate expired at 09:12; auto-renewal was disabled in May.", GoodAction, ReviewDate);

        Assert.That(same.Single(p => p.Path == "whatWeLearned").Message, Does.Contain("repeats what happened"));
        Assert.That(reworded.Select(p => p.Path), Does.Contain("whatWeLearned"));
    }

    [TestCase("improve monitoring")]
    [TestCase("Improve monitoring")]
    [TestCase("be more careful")]
    [TestCase("We will be more careful in the future.")]
    [TestCase("Improve our processes and communication")]
    [TestCase("More testing and better monitoring")]
    [TestCase("beter opletten")]
    [TestCase("We gaan beter opletten")]
    [TestCase("Monitoring verbeteren")]
    [TestCase("Meer testen en zorgvuldiger werken")]
    public void A_platitude_is_not_an_action(string action)
    {
        var problems = ReviewPolicy.Check(
            "The TLS certificate of api.bank.example expired at 09:12 because auto-renewal was disabled in May.", Learned,
            [(action, "platform-team", "2027-01-15")], ReviewDate);

        Assert.That(problems.Single().Path, Is.EqualTo("prevention[0].action"));
    }

    [TestCase("Alert 30 days before any certificate expires")]
    [TestCase("Add a second payment provider in another cloud region")]
    [TestCase("Test failover to the backup database every quarter")]
    [TestCase("Automatisch verlengen van alle certificaten via ACME inrichten")]
    [TestCase("Page the on-call engineer when WAL archiving lags over 10 minutes")]
    public void A_concrete_action_is_accepted(string action)
    {
        var problems = ReviewPolicy.Check(
            "The TLS certificate of api.bank.example expired at 09:12 because auto-renewal was disabled in May.", Learned,
            [(action, "platform-team", "2027-01-15")], ReviewDate);

        Assert.That(problems, Is.Empty, string.Join("; ", problems));
    }

    [Test]
    public void The_same_sentence_everywhere_is_refused_in_learning_and_action()
    {
        const string cause = "The TLS certificate of api.bank.example expired at 09:12 because auto-renewal was disabled in May.";

        var problems = ReviewPolicy.Check(cause, cause, [(cause, "ops", "2027-01-15")], ReviewDate);

        Assert.That(problems.Select(p => p.Path), Is.EquivalentTo(new[] { "whatWeLearned", "prevention[0].action" }));
    }

    [TestCase("2020-01-01", true)]
    [TestCase("2026-12-01", true)]
    [TestCase("2026-12-02", false)]
    [TestCase("2026-13-01", true)]
    public void An_action_is_due_after_the_review(string due, bool refused)
    {
        var problems = ReviewPolicy.Check(
            "The TLS certificate of api.bank.example expired at 09:12 because auto-renewal was disabled in May.", Learned,
            [("Alert 30 days before any certificate expires", "ops", due)], ReviewDate);

        Assert.That(problems.Any(p => p.Path == "prevention[0].due"), Is.EqualTo(refused));
    }

    [Test]
    public void Every_missing_part_of_a_review_is_named()
    {
        var problems = ReviewPolicy.Check(null, " ", [("Alert 30 days before any certificate expires", "", null)], ReviewDate);

        Assert.That(problems.Select(p => p.Path), Is.EquivalentTo(new[] { "whatHappened", "whatWeLearned", "prevention[0].owner", "prevention[0].due" }));
        Assert.That(ReviewPolicy.Check("x", "y", [], ReviewDate).Select(p => p.Path), Does.Contain("prevention"));
    }
}
