// kubestrict decodes every object of a multi-document Kubernetes manifest (the output of
// `helm template`) into the typed API structs of k8s.io/api, rejecting unknown fields, duplicate
// fields and wrong types: an offline stand-in for the API server's schema validation.
//
// Usage: kubestrict [--allow-kind KIND ...] MANIFEST.yaml
//
// Built-in kinds (apps, core, batch, policy, autoscaling, networking) and the Prometheus
// Operator's ServiceMonitor and PrometheusRule are checked. Kinds listed with --allow-kind
// (CRDs without Go types here, such as KEDA's) are only checked for apiVersion, kind and
// metadata.name. Any other kind is an error. Exit status 0 when every object decodes, 1 otherwise.
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/serializer/json"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"
)

type kinds []string

func (k *kinds) String() string     { return strings.Join(*k, ",") }
func (k *kinds) Set(v string) error { *k = append(*k, v); return nil }

func main() {
	var allowed kinds
	flag.Var(&allowed, "allow-kind", "a kind without Go types here; only its header is checked")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: kubestrict [--allow-kind KIND ...] MANIFEST.yaml")
		os.Exit(2)
	}

	scheme := runtime.NewScheme()
	for _, add := range []func(*runtime.Scheme) error{
		appsv1.AddToScheme, corev1.AddToScheme, batchv1.AddToScheme, policyv1.AddToScheme,
		autoscalingv2.AddToScheme, networkingv1.AddToScheme, monitoringv1.AddToScheme,
	} {
		if err := add(scheme); err != nil {
			fmt.Fprintln(os.Stderr, "kubestrict:", err)
			os.Exit(2)
		}
	}
	strict := json.NewSerializerWithOptions(json.DefaultMetaFactory, scheme, scheme,
		json.SerializerOptions{Yaml: true, Strict: true})

	f, err := os.Open(flag.Arg(0))
	if err != nil {
		fmt.Fprintln(os.Stderr, "kubestrict:", err)
		os.Exit(2)
	}
	defer f.Close()

	reader := utilyaml.NewYAMLReader(bufioReader(f))
	objects, problems := 0, 0
	for {
		doc, err := reader.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "kubestrict: reading:", err)
			os.Exit(2)
		}
		var header struct {
			APIVersion string `json:"apiVersion"`
			Kind       string `json:"kind"`
			Metadata   struct {
				Name string `json:"name"`
			} `json:"metadata"`
		}
		if err := yaml.Unmarshal(doc, &header); err != nil {
			fmt.Printf("FAIL document %d: %v\n", objects+1, err)
			problems++
			continue
		}
		if header.Kind == "" && len(bytes.TrimSpace(stripComments(doc))) == 0 {
			continue // an empty document (comments only)
		}
		objects++
		id := fmt.Sprintf("%s/%s", header.Kind, header.Metadata.Name)
		if header.APIVersion == "" || header.Kind == "" || header.Metadata.Name == "" {
			fmt.Printf("FAIL %s: apiVersion, kind and metadata.name are required\n", id)
			problems++
			continue
		}
		if contains(allowed, header.Kind) {
			continue
		}
		if _, _, err := strict.Decode(doc, nil, nil); err != nil {
			fmt.Printf("FAIL %s: %v\n", id, err)
			problems++
		}
	}
	fmt.Printf("kubestrict: %d objects, %d problems\n", objects, problems)
	if problems > 0 || objects == 0 {
		os.Exit(1)
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func stripComments(doc []byte) []byte {
	var out bytes.Buffer
	for _, line := range bytes.Split(doc, []byte("\n")) {
		if t := bytes.TrimSpace(line); len(t) > 0 && t[0] != '#' && !bytes.Equal(t, []byte("---")) {
			out.Write(line)
			out.WriteByte('\n')
		}
	}
	return out.Bytes()
}
