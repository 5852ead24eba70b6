namespace Marketplace.Seed;

/// <summary>One product line of a category: the base name, its packings (small to large, "quantity/container") and
/// the price band in fen from the smallest to the largest packing.</summary>
public sealed record ProductLine(string Base, string[] Packings, long MinFen, long MaxFen);

public sealed record CategorySeed(int Id, string Name, string NameEn, string Icon, ProductLine[] Lines);

/// <summary>The storefront's categories with our own word lists (Bogus's zh_CN data has no produce vocabulary).</summary>
public static class CategoryCatalog
{
    private static ProductLine[] Lines(string[] packings, long min, long max, params string[] bases) =>
        bases.Select(b => new ProductLine(b, packings, min, max)).ToArray();

    public static readonly IReadOnlyList<CategorySeed> All =
    [
        new(1, "大米", "Rice", "🍚", Lines(["2.5kg/袋", "5kg/袋", "10kg/袋", "25kg/袋"], 2_500, 26_000,
            "长粒香大米", "稻花香大米", "富硒大米", "有机大米", "丝苗米", "小町米", "糙米", "胚芽米", "珍珠米", "红米", "黑米", "软香米")),
        new(2, "面粉", "Flour", "🌾", Lines(["2.5kg/袋", "5kg/袋", "10kg/袋", "25kg/袋"], 1_800, 16_000,
            "高筋小麦粉", "中筋面粉", "全麦粉", "石磨面粉", "荞麦面粉", "饺子粉", "手工空心挂面", "莜面", "青稞面")),
        new(3, "食用油", "Cooking oil", "🫒", Lines(["1.8L/桶", "2.5L/桶", "5L/桶"], 4_000, 32_000,
            "压榨菜籽油", "压榨花生油", "山茶油", "胡麻油", "核桃油", "玉米胚芽油", "葵花籽油", "亚麻籽油")),
        new(4, "肉类", "Meat", "🥩", Lines(["1kg/份", "5斤/箱", "10斤/箱"], 4_000, 48_000,
            "黑猪五花肉", "土猪前腿肉", "牦牛肉", "滩羊肉", "藏香猪肉", "黄牛腱子肉", "烟熏腊肉", "农家香肠", "散养土鸡", "麻鸭")),
        new(5, "禽蛋", "Eggs", "🥚", Lines(["30枚/箱", "60枚/箱", "90枚/箱"], 3_000, 18_000,
            "土鸡蛋", "林下散养鸡蛋", "鸭蛋", "咸鸭蛋", "鹅蛋", "乌鸡蛋", "富硒鸡蛋", "绿壳鸡蛋")),
        new(6, "蔬菜", "Vegetables", "🥬", Lines(["5斤/箱", "10斤/箱", "20斤/袋"], 1_500, 9_000,
            "高山白菜", "黄心土豆", "红薯", "铁棍山药", "莲藕", "西红柿", "青椒", "胡萝卜", "紫皮洋葱", "独头大蒜", "小黄姜", "板栗南瓜", "鲜竹笋")),
        new(7, "水果", "Fruit", "🍎", Lines(["5斤/箱", "10斤/箱", "20斤/箱"], 2_500, 16_000,
            "脐橙", "红心猕猴桃", "冰糖心苹果", "砂糖橘", "芒果", "百香果", "蓝莓", "软籽石榴", "骏枣", "薄皮核桃", "酥梨", "葡萄")),
        new(8, "茶叶", "Tea", "🍵", Lines(["100g/盒", "250g/盒", "500g/罐"], 3_000, 60_000,
            "明前绿茶", "工夫红茶", "高山白茶", "安化黑茶", "普洱茶", "都匀毛尖", "苦荞茶", "茉莉花茶", "古树红茶")),
        new(9, "菌菇", "Mushrooms", "🍄", Lines(["250g/袋", "500g/袋", "1kg/箱"], 2_000, 36_000,
            "黑木耳", "干香菇", "羊肚菌", "竹荪", "银耳", "松茸", "鸡枞菌", "茶树菇", "猴头菇")),
        new(10, "蜂蜜", "Honey", "🍯", Lines(["250g/瓶", "500g/瓶", "1kg/瓶"], 3_000, 22_000,
            "土蜂蜜", "槐花蜜", "百花蜜", "枣花蜜", "荆条蜜", "椴树蜜", "野桂花蜜", "中蜂蜜")),
        new(11, "杂粮", "Grains & beans", "🌽", Lines(["1kg/袋", "2.5kg/袋", "5kg/袋"], 1_500, 12_000,
            "黄小米", "玉米糁", "燕麦米", "荞麦米", "高粱米", "红小豆", "绿豆", "黄豆", "薏米", "青稞米")),
        new(12, "干货调味", "Dried goods & seasonings", "🌶️", Lines(["250g/袋", "500g/袋", "1kg/袋"], 1_200, 9_000,
            "朝天椒", "大红袍花椒", "八角", "糍粑辣椒", "郫县豆瓣酱", "红油腐乳", "红薯粉条", "笋干", "干豇豆")),
    ];

    public static readonly string[] Qualifiers = ["", "", "农家", "高山", "有机", "生态", "精选", "新鲜", "特级", "原产地"];

    public static readonly string[] BrandWords =
        ["绿源", "丰禾", "山里红", "农之源", "金穗", "云雾", "高原", "阳光", "禾丰", "兴农", "富民", "益农", "乡韵", "青山",
         "沃土", "嘉禾", "鑫盛", "溪谷", "惠农", "山泉", "田园", "春晖", "瑞丰", "康源", "硒谷", "红土", "雪域", "梯田"];

    public static readonly string[] Industries = ["农业", "农产品", "生态农业", "食品", "茶业", "农业科技", "农副产品"];

    public static readonly string[] FarmerLinkages =
    [
        "采用“公司+合作社+农户”模式，带动{0}户脱贫户种植，保底收购。",
        "吸纳{0}名当地群众务工，优先聘用脱贫劳动力。",
        "与{0}户农户签订订单收购协议，统一技术指导、统一收购。",
        "流转土地并返聘农户，带动{0}户增收，年户均增收三千元以上。",
        "以合作社入股分红方式联结{0}户社员，利润按股返还。",
    ];

    public static readonly string[] Features =
    [
        "海拔高、昼夜温差大，品质上乘", "山泉水灌溉，不施化肥", "当季采收，产地直发", "传统工艺，自然晾晒",
        "林下散养，生长周期长", "土壤富硒，口感醇厚", "通过绿色食品认证", "冷链运输，新鲜送达",
    ];
}
