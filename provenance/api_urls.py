"""/api/v1/ routes."""

from __future__ import annotations

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from articles import apis as article_apis
from claims import apis as claim_apis
from claims import apis_editorial as editorial_apis
from claims import apis_figures as figure_apis
from claims import apis_graphs as graph_apis
from claims import apis_links as link_apis
from claims import apis_sources as source_apis
from feeds import apis as feed_apis
from watchlists import apis as watchlist_apis

app_name = "api"

urlpatterns = [
    path("articles", article_apis.ArticlesApi.as_view(), name="article-submit"),
    path("articles/batch", article_apis.ArticleBatchApi.as_view(), name="article-batch"),
    path(
        "articles/<int:article_id>", article_apis.ArticleDetailApi.as_view(), name="article-detail"
    ),
    path(
        "articles/<int:article_id>/reextract",
        article_apis.ArticleReextractApi.as_view(),
        name="article-reextract",
    ),
    path("claims", claim_apis.ClaimListApi.as_view(), name="claim-list"),
    path("claims/<int:claim_id>", editorial_apis.ClaimApi.as_view(), name="claim-detail"),
    path("claims/<int:claim_id>/chain", editorial_apis.ClaimChainApi.as_view(), name="claim-chain"),
    path("claims/<int:claim_id>/split", editorial_apis.ClaimSplitApi.as_view(), name="claim-split"),
    path("claims/<int:claim_id>/merge", editorial_apis.ClaimMergeApi.as_view(), name="claim-merge"),
    path(
        "claims/<int:claim_id>/history",
        editorial_apis.ClaimHistoryApi.as_view(),
        name="claim-history",
    ),
    path(
        "figures/<int:figure_id>/review",
        editorial_apis.FigureReviewApi.as_view(),
        name="figure-review",
    ),
    path("review-queue", editorial_apis.ReviewQueueApi.as_view(), name="review-queue"),
    path("claims/<int:claim_id>/graph", graph_apis.ClaimGraphApi.as_view(), name="claim-graph"),
    path("graph", graph_apis.GraphApi.as_view(), name="graph"),
    path("figures", figure_apis.FigureListApi.as_view(), name="figure-list"),
    path("figures/track", figure_apis.FigureTrackApi.as_view(), name="figure-track"),
    path("links/<int:link_id>/review", link_apis.ClaimLinkReviewApi.as_view(), name="link-review"),
    path("sources", source_apis.SourceListApi.as_view(), name="source-list"),
    path("sources/<int:source_id>", editorial_apis.SourceApi.as_view(), name="source-detail"),
    path(
        "sources/<int:source_id>/rating",
        editorial_apis.SourceRatingApi.as_view(),
        name="source-rating",
    ),
    path(
        "sources/<int:source_id>/aliases",
        editorial_apis.SourceAliasApi.as_view(),
        name="source-aliases",
    ),
    path(
        "sources/<int:source_id>/merge",
        editorial_apis.SourceMergeApi.as_view(),
        name="source-merge",
    ),
    path(
        "sources/<int:source_id>/history",
        editorial_apis.SourceHistoryApi.as_view(),
        name="source-history",
    ),
    path(
        "sources/<int:source_id>/claims",
        source_apis.SourceClaimsApi.as_view(),
        name="source-claims",
    ),
    path("feeds", feed_apis.FeedCollectionApi.as_view(), name="feed-list"),
    path("feeds/<int:feed_id>", feed_apis.FeedItemApi.as_view(), name="feed-detail"),
    path("feeds/<int:feed_id>/poll", feed_apis.FeedPollApi.as_view(), name="feed-poll"),
    path("urls", feed_apis.UrlSubmitApi.as_view(), name="url-submit"),
    path(
        "urls/<int:submission_id>",
        feed_apis.UrlSubmissionDetailApi.as_view(),
        name="url-submission-detail",
    ),
    path("watchlists", watchlist_apis.WatchlistCollectionApi.as_view(), name="watchlist-list"),
    path(
        "watchlists/<int:watchlist_id>",
        watchlist_apis.WatchlistItemApi.as_view(),
        name="watchlist-detail",
    ),
    path(
        "watchlists/<int:watchlist_id>/matches",
        watchlist_apis.WatchlistMatchesApi.as_view(),
        name="watchlist-matches",
    ),
    path("schema", SpectacularAPIView.as_view(), name="schema"),
    path("docs", SpectacularSwaggerView.as_view(url_name="api:schema"), name="swagger"),
    path("redoc", SpectacularRedocView.as_view(url_name="api:schema"), name="redoc"),
]
