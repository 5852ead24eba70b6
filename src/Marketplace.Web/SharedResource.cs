namespace Marketplace.Web;

/// <summary>
/// Marker for the UI strings. Keys are the English text (shown when the English switch is on);
/// Resources/SharedResource.zh-CN.resx holds the Chinese, which is the default culture.
/// </summary>
public sealed class SharedResource;
