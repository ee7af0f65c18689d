{{/*
Names, labels and the per-service facts that do not belong in values
(binary name, consumer group, inbound topics).
*/}}

{{- define "oversight.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "oversight.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "oversight.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels shared by every object of the release. */}}
{{- define "oversight.labels" -}}
helm.sh/chart: {{ include "oversight.chart" . }}
app.kubernetes.io/name: {{ include "oversight.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: oversight
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/* Selector labels of the whole release (NetworkPolicy). */}}
{{- define "oversight.releaseSelectorLabels" -}}
app.kubernetes.io/name: {{ include "oversight.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/*
Service facts, keyed by the values key. Call with (dict "key" $key).
Returns YAML: name, binary, consumerGroup, topics.
*/}}
{{- define "oversight.serviceFacts" -}}
{{- $facts := dict
  "scheduling" (dict "name" "scheduling" "topics" (list "oversight.workforce-events.v1" "oversight.case-events.v1" "oversight.supervision-events.v1" "oversight.tasks.v1"))
  "recording" (dict "name" "recording" "topics" (list "oversight.workforce-events.v1" "oversight.case-events.v1" "oversight.schedule-events.v1"))
  "oversightTriggers" (dict "name" "oversight-triggers" "topics" (list "oversight.case-events.v1" "oversight.workforce-events.v1"))
  "notifications" (dict "name" "notifications" "topics" (list "oversight.tasks.v1" "oversight.schedule-events.v1"))
-}}
{{- $f := get $facts .key -}}
{{- if not $f }}{{ fail (printf "unknown service %q" .key) }}{{ end -}}
name: {{ $f.name }}
binary: oversight-{{ $f.name }}
consumerGroup: oversight-{{ $f.name }}
topics:
{{- range $f.topics }}
  - {{ . }}
{{- end }}
{{- end }}

{{/* Name of one service's objects. Call with (dict "root" $ "name" "scheduling"). */}}
{{- define "oversight.componentName" -}}
{{- printf "%s-%s" (include "oversight.fullname" .root) .name | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Selector labels of one service. Call with (dict "root" $ "name" "scheduling"). */}}
{{- define "oversight.selectorLabels" -}}
app.kubernetes.io/name: {{ include "oversight.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .name }}
{{- end }}

{{- define "oversight.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "oversight.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* Image reference: repository:tag or repository@digest. */}}
{{- define "oversight.image" -}}
{{- $tag := default .Chart.AppVersion .Values.image.tag }}
{{- if eq $tag "latest" }}{{ fail "image.tag must not be \"latest\": pin a version or a digest" }}{{ end }}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository $tag }}
{{- end }}
{{- end }}

{{/*
Scaling limits: consumer replicas above the partition count stay idle, and two autoscalers on one
Deployment fight. Call with (dict "root" $ "key" $key "svc" $svc).
*/}}
{{- define "oversight.validateScaling" -}}
{{- $partitions := int .root.Values.kafka.partitions }}
{{- if and .svc.autoscaling.enabled .svc.keda.enabled }}
{{- fail (printf "services.%s: autoscaling and keda cannot both be enabled (KEDA creates its own HPA)" .key) }}
{{- end }}
{{- if gt (int .svc.replicaCount) $partitions }}
{{- fail (printf "services.%s.replicaCount (%d) exceeds kafka.partitions (%d): extra consumers would sit idle" .key (int .svc.replicaCount) $partitions) }}
{{- end }}
{{- if and .svc.autoscaling.enabled (gt (int .svc.autoscaling.maxReplicas) $partitions) }}
{{- fail (printf "services.%s.autoscaling.maxReplicas (%d) exceeds kafka.partitions (%d)" .key (int .svc.autoscaling.maxReplicas) $partitions) }}
{{- end }}
{{- if and .svc.keda.enabled (gt (int .svc.keda.maxReplicas) $partitions) }}
{{- fail (printf "services.%s.keda.maxReplicas (%d) exceeds kafka.partitions (%d)" .key (int .svc.keda.maxReplicas) $partitions) }}
{{- end }}
{{- if and .svc.autoscaling.enabled (gt (int .svc.autoscaling.minReplicas) (int .svc.autoscaling.maxReplicas)) }}
{{- fail (printf "services.%s.autoscaling.minReplicas exceeds maxReplicas" .key) }}
{{- end }}
{{- if and .svc.keda.enabled (gt (int .svc.keda.minReplicas) (int .svc.keda.maxReplicas)) }}
{{- fail (printf "services.%s.keda.minReplicas exceeds maxReplicas" .key) }}
{{- end }}
{{- end }}

{{/* Ordered list of service keys, so output is stable. */}}
{{- define "oversight.serviceKeys" -}}
scheduling recording oversightTriggers notifications
{{- end }}

{{/* Settings that only make sense together. */}}
{{- define "oversight.validateSecrets" -}}
{{- $v := .Values }}
{{- if and (hasPrefix "SASL" $v.kafka.securityProtocol) (not $v.kafka.sasl.existingSecret) }}
{{- fail "kafka.securityProtocol is SASL_*: set kafka.sasl.existingSecret to the Secret holding the SASL username and password" }}
{{- end }}
{{- if and $v.kafka.ssl.clientCertSecret (not (hasSuffix "SSL" $v.kafka.securityProtocol)) }}
{{- fail "kafka.ssl.clientCertSecret is set: a client certificate needs kafka.securityProtocol SSL or SASL_SSL" }}
{{- end }}
{{- if and $v.auth.required (not (or $v.auth.jwt.existingSecret $v.auth.jwt.publicKeyConfigMap)) }}
{{- fail "auth.required is true: set auth.jwt.existingSecret (HS256) or auth.jwt.publicKeyConfigMap (RS256/ES256), or auth.required=false to accept anonymous gRPC callers" }}
{{- end }}
{{- if and $v.auth.jwt.existingSecret $v.auth.jwt.publicKeyConfigMap }}
{{- fail "auth.jwt: set either existingSecret (HS256) or publicKeyConfigMap (RS256/ES256), not both" }}
{{- end }}
{{- end }}

{{/*
The oversight-health-probe arguments that make it speak gRPC over TLS as the services serve it
(grpc.tls): trust the Secret's ca.crt, check the certificate against the service's DNS name (or
grpc.tls.serverName), and with mutual TLS present the mounted certificate. A JSON list; empty when
gRPC is plaintext. Call with (dict "root" $ "name" <service name>).
*/}}
{{- define "oversight.grpcTlsProbeArgs" -}}
{{- $tls := .root.Values.grpc.tls -}}
{{- $args := list -}}
{{- if $tls.existingSecret -}}
{{- $serverName := default (printf "%s.%s.svc" (include "oversight.componentName" .) .root.Release.Namespace) $tls.serverName -}}
{{- $args = list "--tls-ca" "/etc/oversight/grpc-tls/ca.crt" "--tls-server-name" $serverName -}}
{{- if $tls.mutual -}}
{{- $args = concat $args (list "--tls-cert" "/etc/oversight/grpc-tls/tls.crt" "--tls-key" "/etc/oversight/grpc-tls/tls.key") -}}
{{- end -}}
{{- end -}}
{{- toJson $args -}}
{{- end -}}
