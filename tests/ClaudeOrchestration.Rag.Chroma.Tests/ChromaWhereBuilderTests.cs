using System.Linq.Expressions;
using ClaudeOrchestration.Rag.Connectors;
using ClaudeOrchestration.Rag.Tests.VectorStores.Conformance;

namespace ClaudeOrchestration.Rag.Chroma.Tests;

public sealed class ChromaWhereBuilderTests
{
    [Theory]
    [InlineData(1, """{"Category":{"$eq":"books"}}""")]
    [InlineData(2, """{"$and":[{"Category":{"$eq":"books"}},{"Rating":{"$gte":4}}]}""")]
    [InlineData(3, """{"$or":[{"Category":{"$eq":"books"}},{"Category":{"$eq":"music"}}]}""")]
    [InlineData(4, """{"$or":[{"Category":{"$ne":"books"}},{"Rating":{"$lt":4}}]}""")]
    [InlineData(5, """{"__has:Tags:classic":{"$eq":true}}""")]
    [InlineData(6, """{"__null:Title":{"$eq":true}}""")]
    [InlineData(7, """{"Category":{"$nin":["a","b"]}}""")]
    [InlineData(8, """{"InStock":{"$ne":true}}""")]
    public void Build_LinqFilter_GivesChromaWhere(int example, string expected)
    {
        Expression<Func<ConformanceRecord<string>, bool>> filter = example switch
        {
            1 => r => r.Category == "books",
            2 => r => r.Category == "books" && r.Rating >= 4,
            3 => r => r.Category == "books" || r.Category == "music",
            4 => r => !(r.Category == "books" && r.Rating >= 4),
            5 => r => r.Tags.Contains("classic"),
            6 => r => r.Title == null,
            7 => r => !new[] { "a", "b" }.Contains(r.Category),
            _ => r => !r.InStock,
        };
        using var store = new ChromaVectorStore();
        var collection = store.GetCollection<string, ConformanceRecord<string>>("where-test");

        var where = ChromaWhereBuilder.Build(FilterParser.Parse(filter, collection.Model));

        Assert.Equal(expected, where.ToJsonString());
    }
}
