using LiveAvatar.Web.Services;

namespace LiveAvatar.Web.Api;

/// <summary>RFC 9457 problem documents for the API, one shape for every error.</summary>
public static class ApiProblems
{
    public static IResult Invalid(IReadOnlyDictionary<string, string[]> fields) => TypedResults.ValidationProblem(
        fields, title: "The job was not accepted", detail: "Fix the listed fields and submit again.",
        type: "https://github.com/liveavatar/problems#invalid-job");

    public static IResult Rejected(JobRejectedException e) => e.Reason switch
    {
        RejectionReason.Invalid => Invalid(ApiFieldNames.Group(e.Problems)),
        RejectionReason.QueueFull => Problem(StatusCodes.Status429TooManyRequests, "Queue full", e.Message, "queue-full"),
        RejectionReason.DiskFull => Problem(StatusCodes.Status507InsufficientStorage, DiskSpace.DiskFullTitle, e.Message, "disk-full"),
        _ => Problem(StatusCodes.Status503ServiceUnavailable, "Generator not available", e.Message, "unavailable"),
    };

    public static IResult NotFound(string id) =>
        Problem(StatusCodes.Status404NotFound, "No such job", $"There is no job '{TextSanitizer.SingleLine(id, 40)}' on this server.", "not-found");

    public static IResult Forbidden() => Problem(StatusCodes.Status403Forbidden, "Not your job",
        "Only the client that submitted a job (or a holder of the server key) may cancel or delete it.", "forbidden");

    public static IResult Problem(int status, string title, string detail, string slug) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: title, type: $"https://github.com/liveavatar/problems#{slug}");
}
