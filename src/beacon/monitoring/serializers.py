from __future__ import annotations

from typing import Any

from rest_framework import serializers

from .models import Ad, IngestRun, Operation, RejectedRow


class AdRecordSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """One ad of a batch (documentation of the input columns; validation is adscan's)."""

    id = serializers.CharField()
    posted_at = serializers.CharField(required=False, help_text="ISO 8601")
    site = serializers.CharField(required=False)
    url = serializers.CharField(required=False)
    title = serializers.CharField(required=False)
    body = serializers.CharField(required=False)
    city = serializers.CharField(required=False)
    state = serializers.CharField(required=False)
    phone = serializers.CharField(required=False, help_text="free text")
    age = serializers.CharField(required=False, help_text="as posted")
    images = serializers.ListField(child=serializers.CharField(), required=False, help_text="image hashes")
    # a plain string in the schema (an enum named "kind" would collide with the other "kind" enums);
    # validated by beacon.adscan.records: an unknown kind rejects the row with its reason
    kind = serializers.CharField(required=False,
                                 help_text="escort or job (a job ad or recruitment post); default: the batch's kind")


class UploadSerializer(serializers.Serializer):  # type: ignore[type-arg]
    file = serializers.FileField(help_text="JSONL or CSV (gzip allowed)")
    kind = serializers.CharField(required=False,
                                 help_text="escort or job: kind of the file's ads (a row's own kind wins); default escort")


class RejectedRowSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = RejectedRow
        fields = ["line", "reason"]


class RunSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    # plain strings: the choices are listed in the help text (avoids an enum-name collision in the schema)
    status = serializers.CharField(read_only=True, help_text="queued, running, done or failed")
    source = serializers.CharField(read_only=True, help_text="cli, api or seed")  # type: ignore[assignment]
    rejected_rows = serializers.SerializerMethodField()

    class Meta:
        model = IngestRun
        fields = ["id", "source", "status", "filename", "created_at", "finished_at", "received", "created", "updated",
                  "unchanged", "rejected", "error", "rejected_rows"]

    def get_rejected_rows(self, obj: IngestRun) -> list[dict[str, Any]]:
        return RejectedRowSerializer(obj.rejected_rows.all()[:100], many=True).data  # type: ignore[return-value]


class OperationSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    status = serializers.CharField(read_only=True, help_text="new, watch, dismissed, escalated or merged")

    class Meta:
        model = Operation
        fields = ["id", "key", "status", "risk", "reasons", "ad_count", "phones", "emails", "handles", "cities",
                  "movement", "template", "first_seen", "last_seen", "decided_at", "decision_reason"]


class AdSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = Ad
        fields = ["id", "site", "external_id", "version", "posted_at", "url", "title", "body", "city", "state", "phone",
                  "age", "phones", "emails", "handles", "ages", "indicators", "risk", "place_name", "place_state"]


class OperationDetailSerializer(OperationSerializer):
    ads = serializers.SerializerMethodField()

    class Meta(OperationSerializer.Meta):
        fields = [*OperationSerializer.Meta.fields, "links", "ads"]

    def get_ads(self, obj: Operation) -> list[dict[str, Any]]:
        return AdSerializer(self.context.get("ads", []), many=True).data  # type: ignore[return-value]
