namespace LiveAvatar.Web.Components.Generation;

public enum NoticeLevel { Info, Success, Error }

/// <summary>A short message for the page's snackbar (errors also stay in place under their control).</summary>
public sealed record PageNotice(NoticeLevel Level, string Message);
