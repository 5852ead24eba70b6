using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Marketplace.Web.Tests;

public partial class LocalizationTests
{
    [GeneratedRegex(@"\b[Ll]\[""((?:[^""\\]|\\.)+)""")]
    private static partial Regex LocalizerKey();

    [Fact]
    public void Every_interface_string_has_a_chinese_translation()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Marketplace.sln"))) root = root.Parent;
        Assert.NotNull(root);
        var web = Path.Combine(root!.FullName, "src", "Marketplace.Web");
        var used = Directory.EnumerateFiles(web, "*.*", SearchOption.AllDirectories)
            .Where(f => (f.EndsWith(".cshtml", StringComparison.Ordinal) || f.EndsWith(".cs", StringComparison.Ordinal)) && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}"))
            .SelectMany(f => LocalizerKey().Matches(File.ReadAllText(f)).Select(m => m.Groups[1].Value))
            .ToHashSet();
        var translated = XDocument.Load(Path.Combine(web, "Resources", "SharedResource.zh-CN.resx"))
            .Root!.Elements("data").Select(d => (string)d.Attribute("name")!).ToHashSet();
        Assert.True(used.Count > 50, "the scan should find the interface strings");
        Assert.Empty(used.Where(k => !translated.Contains(k)).Order());

        // Keys built from enum values in views (L["Refund" + status], L[status.ToString()], ...).
        var dynamic = Enum.GetNames<Domain.Orders.OrderStatus>()
            .Concat(Enum.GetNames<Domain.Orders.PaymentMethod>())
            .Concat(Enum.GetNames<Domain.Orders.RefundStatus>().Select(n => "Refund" + n))
            .Concat(Enum.GetNames<Domain.Orders.StatementOutcome>().Select(n => "Statement" + n))
            .Concat(Enum.GetNames<Domain.Orders.OrderAction>().Where(a => a != "RefundInFull"))
            .Append("RefundRequest"); // the history action of a refund request (RefundService)
        Assert.Empty(dynamic.Where(k => !translated.Contains(k)).Order());
    }
}
