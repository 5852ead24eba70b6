using Bogus;
using Marketplace.Data.Entities;
using Marketplace.Domain;

namespace Marketplace.Seed;

public sealed record DemoDataOptions
{
    public int Seed { get; init; } = 832;
    public int Vendors { get; init; } = 200;
    public int Products { get; init; } = 5_000;
    public int BudgetUnits { get; init; } = 300;
    /// <summary>Provinces whose poverty-relief counties host the vendors (贵州, 云南, 甘肃, 河北).</summary>
    public int[] VendorProvinces { get; init; } = [520000, 530000, 620000, 130000];
    /// <summary>Provinces whose budget units buy (贵州, 云南, 甘肃).</summary>
    public int[] UnitProvinces { get; init; } = [520000, 530000, 620000];
    /// <summary>The generated timeline ends here; a fixed instant keeps runs identical.</summary>
    public DateTime Anchor { get; init; } = new(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc);
    /// <summary>Also generate a year of reserved shares (policies, filings, plans, purchases) and close its past months.</summary>
    public bool Quota { get; init; } = true;
    /// <summary>Also generate ten months of trade (orders through evaluation, refunds, complaints) and grade the vendors.</summary>
    public bool Trade { get; init; } = true;
    /// <summary>The reserved-share year; null: the current year in China.</summary>
    public int? QuotaYear { get; init; }
    /// <summary>About how many ledger lines; null: about two a month per unit with a requirement.</summary>
    public long? LedgerEntries { get; init; }

    /// <summary>Sizes for benchmarks: vendors grow with products (about 25 products a vendor).</summary>
    public static DemoDataOptions ForProducts(int products, int seed = 832) => new()
    {
        Seed = seed,
        Products = products,
        Vendors = Math.Max(200, products / 25),
        BudgetUnits = Math.Max(300, products / 1000),
        Trade = false,
    };
}

public sealed record DemoData(IReadOnlyList<Vendor> Vendors, IReadOnlyList<BudgetUnit> BudgetUnits, IEnumerable<Product> Products);

/// <summary>
/// Generates the demo marketplace from a fixed seed: the same options always give the same rows, so screenshots,
/// tests and benchmarks are comparable. Products are produced lazily so a million never sit in memory at once.
/// </summary>
public sealed class DemoDataGenerator(IReadOnlyList<Region> regions, DemoDataOptions options)
{
    private readonly Dictionary<int, Region> _byId = regions.ToDictionary(r => r.Id);

    public DemoData Generate()
    {
        var vendors = GenerateVendors();
        var units = GenerateBudgetUnits();
        return new DemoData(vendors, units, GenerateProducts(vendors));
    }

    private Faker NewFaker(int stream) => new("zh_CN") { Random = new Randomizer(options.Seed * 7919 + stream) };

    private List<Vendor> GenerateVendors()
    {
        var f = NewFaker(1);
        var counties = regions
            .Where(r => r.IsPovertyRelief && options.VendorProvinces.Contains(r.ProvinceId))
            .OrderBy(r => r.Id).ToList();
        if (counties.Count == 0) throw new InvalidOperationException("No poverty-relief counties in the chosen vendor provinces.");

        var names = new HashSet<string>();
        var vendors = new List<Vendor>(options.Vendors);
        for (var i = 1; i <= options.Vendors; i++)
        {
            // Cycle through the counties first so that every county gets vendors before any gets a second.
            var county = i <= counties.Count ? counties[(i - 1) * 7919 % counties.Count] : f.PickRandom(counties);
            var kind = f.Random.WeightedRandom([VendorKind.Enterprise, VendorKind.Cooperative, VendorKind.FamilyFarm], [0.5f, 0.35f, 0.15f]);
            var shortName = ShortName(county.Name);
            var surname = f.Name.LastName();
            string name;
            var attempt = 0;
            do
            {
                var brand = f.PickRandom(CategoryCatalog.BrandWords);
                name = kind switch
                {
                    VendorKind.Enterprise => $"{shortName}{brand}{f.PickRandom(CategoryCatalog.Industries)}{f.PickRandom("有限公司", "开发有限公司", "有限责任公司")}",
                    VendorKind.Cooperative => $"{shortName}{brand}{f.PickRandom("种植", "养殖", "种养", "茶叶", "果蔬")}专业合作社",
                    _ => $"{shortName}{brand}{surname}家家庭农场",
                };
                if (++attempt > 5) name += $"（{i}）";
            } while (!names.Add(name));

            var status = i switch
            {
                _ when i % 40 == 3 => VendorStatus.Submitted,
                _ when i % 40 == 7 => VendorStatus.CountyRecommended,
                _ when i % 97 == 11 => VendorStatus.Suspended,
                _ when i % 131 == 13 => VendorStatus.Rejected,
                _ => VendorStatus.Active,
            };
            var created = options.Anchor.AddMinutes(-f.Random.Int(60 * 24 * 30, 60 * 24 * 720));
            vendors.Add(new Vendor
            {
                Id = i,
                Name = name,
                Kind = kind,
                CreditCode = CreditCode(kind switch { VendorKind.Cooperative => "93", VendorKind.FamilyFarm => "92", _ => "91" }, county.Id, i),
                CountyId = county.Id,
                Status = status,
                ContactName = surname + f.Name.FirstName(),
                ContactPhone = "1" + f.PickRandom("3", "5", "7", "8", "9") + f.Random.ReplaceNumbers("#########"),
                FarmerLinkage = string.Format(System.Globalization.CultureInfo.InvariantCulture, f.PickRandom(CategoryCatalog.FarmerLinkages), f.Random.Int(12, 860)),
                Introduction = $"{ProvinceName(county)}{county.Name}{name}，{f.PickRandom(CategoryCatalog.Features)}，{f.PickRandom(CategoryCatalog.Features)}。",
                CreatedAt = created,
                ActivatedAt = status is VendorStatus.Active or VendorStatus.Suspended ? created.AddDays(f.Random.Int(3, 20)) : null,
            });
        }
        return vendors;
    }

    private List<BudgetUnit> GenerateBudgetUnits()
    {
        var f = NewFaker(2);
        var units = new List<BudgetUnit>(options.BudgetUnits);

        BudgetUnit? Add(string name, int regionId, BudgetUnit? parent)
        {
            if (units.Count >= options.BudgetUnits) return null;
            var unit = new BudgetUnit
            {
                Id = units.Count + 1,
                Name = name,
                CreditCode = CreditCode("11", regionId, units.Count + 1),
                RegionId = regionId,
                ParentId = parent?.Id,
                CreatedAt = options.Anchor.AddDays(-f.Random.Int(400, 1500)),
            };
            units.Add(unit);
            return unit;
        }

        string[] departments = ["教育厅", "卫生健康委员会", "财政厅", "农业农村厅", "交通运输厅", "人力资源和社会保障厅", "自然资源厅", "生态环境厅", "住房和城乡建设厅", "机关事务管理局"];
        string[] subordinates = ["机关服务中心", "直属机关幼儿园", "信息中心", "培训中心"];
        foreach (var provinceId in options.UnitProvinces)
        {
            var province = _byId[provinceId];
            foreach (var dept in departments)
            {
                var parent = Add(province.Name + dept, provinceId, null);
                if (parent is null) break;
                foreach (var sub in subordinates.Take(f.Random.Int(1, 3))) Add(parent.Name + sub, provinceId, parent);
            }
        }

        // County-level units: bureaus with their schools and hospitals under them, until the target is reached.
        var counties = regions.Where(r => r.Level == RegionLevel.County && options.UnitProvinces.Contains(r.ProvinceId))
            .OrderBy(r => r.IsPovertyRelief ? 0 : 1).ThenBy(r => r.Id).ToList();
        var round = 0;
        while (units.Count < options.BudgetUnits)
        {
            foreach (var county in counties)
            {
                var prefix = round == 0 ? county.Name : $"{county.Name}第{round + 1}片区";
                var edu = Add(prefix + "教育局", county.Id, null);
                Add(prefix + "第一中学", county.Id, edu);
                Add(prefix + "实验小学", county.Id, edu);
                var health = Add(prefix + "卫生健康局", county.Id, null);
                Add(prefix + "人民医院", county.Id, health);
                Add(prefix + "中医医院", county.Id, health);
                Add(prefix + "财政局", county.Id, null);
                if (units.Count >= options.BudgetUnits) break;
            }
            round++;
        }
        return units;
    }

    private IEnumerable<Product> GenerateProducts(List<Vendor> vendors)
    {
        var f = NewFaker(3);
        var sellers = vendors.Where(v => v.Status is VendorStatus.Active or VendorStatus.Suspended).ToList();
        if (sellers.Count == 0) yield break;
        var categories = CategoryCatalog.All.ToArray();
        // Each seller specialises in two categories, as a real cooperative does.
        var specialities = sellers.ToDictionary(v => v.Id, _ => new[] { f.PickRandom(categories), f.PickRandom(categories) });
        for (var i = 1; i <= options.Products; i++)
        {
            var vendor = sellers[f.Random.Int(0, sellers.Count - 1)];
            var category = specialities[vendor.Id][f.Random.Int(0, 1)];
            var line = f.PickRandom(category.Lines);
            // Packings are listed small to large; each takes its slice of the line's price band, and the selling
            // unit is the packing's container (5kg/袋 sells per 袋).
            var packIndex = f.Random.Int(0, line.Packings.Length - 1);
            var packing = line.Packings[packIndex];
            var unit = packing[(packing.IndexOf('/') + 1)..];
            var bandWidth = (line.MaxFen - line.MinFen) / line.Packings.Length;
            var minFen = line.MinFen + bandWidth * packIndex;
            var county = _byId[vendor.CountyId];
            var qualifier = f.PickRandom(CategoryCatalog.Qualifiers);
            // Prices end in 0 or 9 jiao, as shops price them.
            var price = f.Random.Long(minFen / 10, (minFen + bandWidth) / 10) * 10 + (f.Random.Bool(0.4f) ? -10 : 0);
            var status = vendor.Status == VendorStatus.Suspended
                ? ProductStatus.OffShelf
                : f.Random.WeightedRandom([ProductStatus.Listed, ProductStatus.PendingReview, ProductStatus.Draft, ProductStatus.OffShelf, ProductStatus.Rejected],
                                          [0.88f, 0.05f, 0.03f, 0.03f, 0.01f]);
            var created = Max(vendor.ActivatedAt ?? vendor.CreatedAt, options.Anchor.AddMinutes(-f.Random.Int(60, 60 * 24 * 365)));
            var certifications = Certification.None;
            if (f.Random.Bool(0.25f)) certifications |= Certification.Green;
            if (f.Random.Bool(0.10f)) certifications |= Certification.Organic;
            if (f.Random.Bool(0.15f)) certifications |= Certification.GeographicalIndication;
            if (f.Random.Bool(0.60f)) certifications |= Certification.QualifiedCertificate;
            yield return new Product
            {
                Id = i,
                VendorId = vendor.Id,
                CategoryId = category.Id,
                OriginCountyId = county.Id,
                Name = $"{ShortName(county.Name)}{qualifier}{line.Base} {packing}",
                Specification = packing,
                Unit = unit,
                PriceFen = Math.Max(price, 100),
                Stock = f.Random.Bool(0.05f) ? f.Random.Int(0, 9) : f.Random.Int(20, 3000),
                MinOrderQuantity = f.Random.WeightedRandom([1, 2, 5, 10], [0.7f, 0.1f, 0.1f, 0.1f]),
                Status = status,
                Certifications = certifications,
                Description = $"{line.Base}产自{ProvinceName(county)}{county.Name}，{f.PickRandom(CategoryCatalog.Features)}。" +
                              $"规格{packing}，{f.PickRandom(CategoryCatalog.Features)}。由{vendor.Name}供货，{vendor.FarmerLinkage}",
                SalesCount = status == ProductStatus.Listed ? (int)Math.Min(int.MaxValue, f.Random.Long(0, 5000) * f.Random.Long(0, 3) / 2) : 0,
                CreatedAt = created,
                UpdatedAt = created,
                ListedAt = status is ProductStatus.Listed or ProductStatus.OffShelf ? created.AddHours(f.Random.Int(2, 72)) : null,
            };
        }
    }

    private string ProvinceName(Region county) => _byId[county.ProvinceId].Name;

    private static DateTime Max(DateTime a, DateTime b) => a > b ? a : b;

    private static readonly string[] Ethnicities =
    [
        "保安族", "东乡族", "撒拉族", "土家族", "布依族", "仡佬族", "哈尼族", "纳西族", "傈僳族", "拉祜族", "独龙族", "景颇族",
        "普米族", "蒙古族", "裕固族", "哈萨克族", "毛南族", "仫佬族", "锡伯族", "达斡尔族", "鄂温克族", "鄂伦春族", "塔吉克族",
        "柯尔克孜族", "苗族", "彝族", "回族", "侗族", "水族", "瑶族", "壮族", "傣族", "藏族", "怒族", "白族", "佤族", "土族",
        "满族", "羌族", "畲族", "黎族", "各族",
    ];

    /// <summary>望都县 → 望都, 松桃苗族自治县 → 松桃; a one-character stem keeps its suffix (礼县 stays 礼县).</summary>
    public static string ShortName(string countyName)
    {
        foreach (var suffix in new[] { "自治县", "县", "市", "区", "旗", "行委" })
        {
            if (!countyName.EndsWith(suffix, StringComparison.Ordinal)) continue;
            var stem = countyName[..^suffix.Length];
            if (suffix == "自治县")
            {
                var cut = Ethnicities.Select(e => stem.IndexOf(e, StringComparison.Ordinal)).Where(i => i > 0).DefaultIfEmpty(stem.Length).Min();
                stem = stem[..cut];
            }
            return stem.Length >= 2 ? stem : countyName;
        }
        return countyName;
    }

    /// <summary>A valid 18-character 统一社会信用代码: registration type, region, a serial, check character.</summary>
    public static string CreditCode(string type, int regionCode, int serial)
    {
        var first17 = type + RegionCode.Format(regionCode) + (serial % 1_000_000_000).ToString("000000000", System.Globalization.CultureInfo.InvariantCulture);
        return first17 + UnifiedSocialCreditCode.ComputeCheckChar(first17);
    }
}
