using Marketplace.Data.Entities;
using Marketplace.Domain;
using Marketplace.Seed;

namespace Marketplace.Integration.Tests;

public class DemoDataGeneratorTests
{
    private static readonly IReadOnlyList<Region> Regions = ReferenceData.LoadRegions();

    private static (List<Vendor> Vendors, List<BudgetUnit> Units, List<Product> Products) Generate(DemoDataOptions o)
    {
        var data = new DemoDataGenerator(Regions, o).Generate();
        return (data.Vendors.ToList(), data.BudgetUnits.ToList(), data.Products.ToList());
    }

    [Fact]
    public void Same_seed_gives_the_same_data_and_another_seed_does_not()
    {
        var a = Generate(new DemoDataOptions { Products = 500 });
        var b = Generate(new DemoDataOptions { Products = 500 });
        var c = Generate(new DemoDataOptions { Products = 500, Seed = 7 });
        Assert.Equal(a.Vendors.Select(v => v.Name), b.Vendors.Select(v => v.Name));
        Assert.Equal(a.Products.Select(p => (p.Name, p.PriceFen, p.VendorId)), b.Products.Select(p => (p.Name, p.PriceFen, p.VendorId)));
        Assert.NotEqual(a.Products.Select(p => p.Name), c.Products.Select(p => p.Name));
    }

    [Fact]
    public void Demo_has_the_required_shape()
    {
        var (vendors, units, products) = Generate(new DemoDataOptions());
        var byId = Regions.ToDictionary(r => r.Id);

        Assert.Equal(200, vendors.Count);
        Assert.Equal(300, units.Count);
        Assert.Equal(5000, products.Count);

        // Vendors sit in poverty-relief counties of at least three provinces, with valid, unique credit codes.
        Assert.All(vendors, v => Assert.True(byId[v.CountyId].IsPovertyRelief, v.Name));
        Assert.True(vendors.Select(v => v.CountyId / 10000).Distinct().Count() >= 3);
        Assert.All(vendors.Concat<object>(units), o => Assert.True(UnifiedSocialCreditCode.IsValid(o is Vendor v ? v.CreditCode : ((BudgetUnit)o).CreditCode)));
        Assert.Equal(vendors.Count + units.Count, vendors.Select(v => v.CreditCode).Concat(units.Select(u => u.CreditCode)).Distinct().Count());
        Assert.Equal(vendors.Count, vendors.Select(v => v.Name).Distinct().Count());

        // Units form a hierarchy: parents exist and were generated first.
        var unitIds = new HashSet<int>();
        foreach (var u in units)
        {
            if (u.ParentId is { } p) Assert.Contains(p, unitIds);
            unitIds.Add(u.Id);
        }
        Assert.Contains(units, u => u.ParentId is not null);

        // Products: Chinese names in every category, sold only by vendors admitted to sell, sane prices and stock.
        var sellers = vendors.Where(v => v.Status is VendorStatus.Active or VendorStatus.Suspended).Select(v => v.Id).ToHashSet();
        Assert.All(products, p =>
        {
            Assert.Contains(p.VendorId, sellers);
            Assert.InRange(p.PriceFen, 100, 1_000_000);
            Assert.True(p.Stock >= 0 && p.MinOrderQuantity >= 1);
            Assert.Matches(@"\p{IsCJKUnifiedIdeographs}", p.Name);
        });
        Assert.Equal(CategoryCatalog.All.Count, products.Select(p => p.CategoryId).Distinct().Count());
        Assert.True(products.Count(p => p.Status == ProductStatus.Listed) > products.Count * 0.8);
    }

    [Theory]
    [InlineData("松桃苗族自治县", "松桃")]
    [InlineData("积石山保安族东乡族撒拉族自治县", "积石山")]
    [InlineData("望都县", "望都")]
    [InlineData("礼县", "礼县")]
    [InlineData("茫崖行委", "茫崖")]
    public void County_short_names_read_naturally(string county, string expected) =>
        Assert.Equal(expected, DemoDataGenerator.ShortName(county));

    [Fact]
    public void Benchmark_sizes_scale_vendors_and_stream_products()
    {
        var o = DemoDataOptions.ForProducts(100_000);
        Assert.Equal(4_000, o.Vendors);
        var data = new DemoDataGenerator(Regions, o).Generate();
        // Lazily produced: taking a few does not generate the whole set.
        Assert.Equal(10, data.Products.Take(10).Count());
    }
}

public class VisibilityInvariantTests
{
    [Fact]
    public void Only_products_of_active_vendors_are_listed()
    {
        // The storefront counts listed products without joining vendors; this is the invariant that makes it right.
        var regions = ReferenceData.LoadRegions();
        var data = new DemoDataGenerator(regions, new DemoDataOptions { Products = 5_000 }).Generate();
        var active = data.Vendors.Where(v => v.Status == VendorStatus.Active).Select(v => v.Id).ToHashSet();
        Assert.Contains(data.Vendors, v => v.Status == VendorStatus.Suspended);
        Assert.All(data.Products.Where(p => p.Status == ProductStatus.Listed), p => Assert.Contains(p.VendorId, active));
    }
}

public class ProductRealismTests
{
    [Fact]
    public void Unit_matches_the_packing_and_bigger_packs_cost_more()
    {
        var data = new DemoDataGenerator(ReferenceData.LoadRegions(), new DemoDataOptions { Products = 5_000 }).Generate();
        var products = data.Products.ToList();
        Assert.All(products, p => Assert.EndsWith("/" + p.Unit, p.Specification));
        // Within one product line, the average price rises with the pack size.
        foreach (var line in CategoryCatalog.All.SelectMany(c => c.Lines).Take(20))
        {
            var averages = line.Packings
                .Select(pack => products.Where(p => p.Name.Contains(line.Base) && p.Specification == pack).Select(p => (double)p.PriceFen).DefaultIfEmpty(double.NaN).Average())
                .Where(a => !double.IsNaN(a)).ToList();
            for (var i = 1; i < averages.Count; i++) Assert.True(averages[i] > averages[i - 1], line.Base);
        }
    }
}
