{{- define "features.name" -}}
{{ .Chart.Name }}-{{ .Release.Name }}
{{- end -}}
{{- define "features.labels" -}}
app: {{ include "features.name" . }}
chart: "{{ .Chart.Name }}-{{ .Chart.Version }}"
{{- end -}}
