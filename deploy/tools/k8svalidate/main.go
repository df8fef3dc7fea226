// Command k8svalidate checks Kubernetes manifests offline.
//
// It reads multi-document YAML (files or stdin) and decodes every object into
// the Go type of its apiVersion/kind from k8s.io/api, the Prometheus Operator
// API module, or a local copy of the Secrets Store CSI driver type, in STRICT
// mode: an unknown or misspelled field, a duplicate field, a wrong type or an
// unparsable quantity fails. Objects of a kind it does not know fail too.
//
// It then checks a few things the schemas cannot: every label selector of a
// Service, PodDisruptionBudget, PodMonitor or NetworkPolicy (spec.podSelector)
// matches the pod template of some workload in the same input, every
// Deployment selector matches its own template, and every ConfigMap, Secret
// provider class and ServiceAccount that a workload names exists.
//
//	k8svalidate FILE...     (or - for stdin)
//
// Exit status 1 if any object fails.
package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"sigs.k8s.io/yaml"
)

// SecretProviderClass mirrors secrets-store.csi.x-k8s.io/v1 SecretProviderClass
// (sigs.k8s.io/secrets-store-csi-driver/apis/v1), copied here because that
// module drags in the whole driver. Keep in step with the driver's CRD.
type SecretProviderClass struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`
	Spec              struct {
		Provider      string            `json:"provider,omitempty"`
		Parameters    map[string]string `json:"parameters,omitempty"`
		SecretObjects []struct {
			SecretName  string            `json:"secretName,omitempty"`
			Type        string            `json:"type,omitempty"`
			Labels      map[string]string `json:"labels,omitempty"`
			Annotations map[string]string `json:"annotations,omitempty"`
			Data        []struct {
				ObjectName string `json:"objectName,omitempty"`
				Key        string `json:"key,omitempty"`
			} `json:"data,omitempty"`
		} `json:"secretObjects,omitempty"`
	} `json:"spec,omitempty"`
}

// kinds maps apiVersion/kind to a constructor of its Go type.
var kinds = map[string]func() any{
	"v1/Namespace":                                      func() any { return &corev1.Namespace{} },
	"v1/ServiceAccount":                                 func() any { return &corev1.ServiceAccount{} },
	"v1/Service":                                        func() any { return &corev1.Service{} },
	"v1/ConfigMap":                                      func() any { return &corev1.ConfigMap{} },
	"v1/Secret":                                         func() any { return &corev1.Secret{} },
	"v1/Pod":                                            func() any { return &corev1.Pod{} },
	"apps/v1/Deployment":                                func() any { return &appsv1.Deployment{} },
	"apps/v1/StatefulSet":                               func() any { return &appsv1.StatefulSet{} },
	"autoscaling/v2/HorizontalPodAutoscaler":            func() any { return &autoscalingv2.HorizontalPodAutoscaler{} },
	"batch/v1/CronJob":                                  func() any { return &batchv1.CronJob{} },
	"batch/v1/Job":                                      func() any { return &batchv1.Job{} },
	"networking.k8s.io/v1/NetworkPolicy":                func() any { return &networkingv1.NetworkPolicy{} },
	"policy/v1/PodDisruptionBudget":                     func() any { return &policyv1.PodDisruptionBudget{} },
	"rbac.authorization.k8s.io/v1/Role":                 func() any { return &rbacv1.Role{} },
	"rbac.authorization.k8s.io/v1/RoleBinding":          func() any { return &rbacv1.RoleBinding{} },
	"monitoring.coreos.com/v1/PodMonitor":               func() any { return &monitoringv1.PodMonitor{} },
	"monitoring.coreos.com/v1/ServiceMonitor":           func() any { return &monitoringv1.ServiceMonitor{} },
	"monitoring.coreos.com/v1/PrometheusRule":           func() any { return &monitoringv1.PrometheusRule{} },
	"secrets-store.csi.x-k8s.io/v1/SecretProviderClass": func() any { return &SecretProviderClass{} },
}

type object struct {
	where string // file:document
	gvk   string
	name  string
	value any
}

func main() {
	args := os.Args[1:]
	if len(args) == 0 {
		fmt.Fprintln(os.Stderr, "usage: k8svalidate FILE... (- for stdin)")
		os.Exit(2)
	}
	var objs []object
	failed := 0
	for _, path := range args {
		var data []byte
		var err error
		if path == "-" {
			data, err = io.ReadAll(os.Stdin)
		} else {
			data, err = os.ReadFile(path)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		for i, doc := range splitDocuments(data) {
			where := fmt.Sprintf("%s#%d", path, i+1)
			obj, err := decode(doc)
			if err != nil {
				fmt.Printf("FAIL %s: %v\n", where, err)
				failed++
				continue
			}
			obj.where = where
			objs = append(objs, obj)
		}
	}
	for _, problem := range crossCheck(objs) {
		fmt.Printf("FAIL %s\n", problem)
		failed++
	}
	fmt.Printf("k8svalidate: %d objects decoded strictly, %d problems\n", len(objs), failed)
	if len(objs) == 0 && failed == 0 {
		fmt.Println("FAIL no objects in input")
		failed++
	}
	if failed > 0 {
		os.Exit(1)
	}
}

// splitDocuments splits a YAML stream on "---" lines and drops empty documents.
func splitDocuments(data []byte) [][]byte {
	var docs [][]byte
	var cur bytes.Buffer
	flush := func() {
		if len(bytes.TrimSpace(stripComments(cur.Bytes()))) > 0 {
			docs = append(docs, append([]byte(nil), cur.Bytes()...))
		}
		cur.Reset()
	}
	for _, line := range bytes.SplitAfter(data, []byte("\n")) {
		if t := bytes.TrimRight(line, " \t\r\n"); bytes.Equal(t, []byte("---")) || bytes.HasPrefix(t, []byte("--- ")) {
			flush()
			continue
		}
		cur.Write(line)
	}
	flush()
	return docs
}

func stripComments(doc []byte) []byte {
	var out bytes.Buffer
	for _, line := range bytes.Split(doc, []byte("\n")) {
		if t := bytes.TrimSpace(line); len(t) > 0 && t[0] != '#' {
			out.Write(line)
			out.WriteByte('\n')
		}
	}
	return out.Bytes()
}

func decode(doc []byte) (object, error) {
	var tm metav1.TypeMeta
	if err := yaml.Unmarshal(doc, &tm); err != nil {
		return object{}, fmt.Errorf("not a YAML object: %w", err)
	}
	if tm.APIVersion == "" || tm.Kind == "" {
		return object{}, errors.New("apiVersion and kind are required")
	}
	gvk := tm.APIVersion + "/" + tm.Kind
	newObj, ok := kinds[gvk]
	if !ok {
		return object{}, fmt.Errorf("unknown apiVersion/kind %s (add its Go type to k8svalidate)", gvk)
	}
	v := newObj()
	// UnmarshalStrict: YAML -> JSON, then encoding/json with
	// DisallowUnknownFields; duplicate keys fail in the YAML step.
	if err := yaml.UnmarshalStrict(doc, v); err != nil {
		return object{}, fmt.Errorf("%s: %w", gvk, err)
	}
	meta, ok := v.(metav1.Object)
	if !ok {
		return object{}, fmt.Errorf("%s: no metadata", gvk)
	}
	if meta.GetName() == "" {
		return object{}, fmt.Errorf("%s: metadata.name is required", gvk)
	}
	return object{gvk: gvk, name: meta.GetName(), value: v}, nil
}

type podTemplate struct {
	owner  string
	labels labels.Set
	spec   *corev1.PodSpec
}

func crossCheck(objs []object) []string {
	var problems []string
	var templates []podTemplate
	names := map[string]bool{} // kind/name
	for _, o := range objs {
		kind := o.gvk[strings.LastIndex(o.gvk, "/")+1:]
		names[kind+"/"+o.name] = true
		switch v := o.value.(type) {
		case *appsv1.Deployment:
			templates = append(templates, podTemplate{"Deployment/" + o.name, v.Spec.Template.Labels, &v.Spec.Template.Spec})
			if v.Spec.Selector == nil {
				problems = append(problems, fmt.Sprintf("%s Deployment/%s: spec.selector is required", o.where, o.name))
			} else if sel, err := metav1.LabelSelectorAsSelector(v.Spec.Selector); err != nil || sel.Empty() || !sel.Matches(labels.Set(v.Spec.Template.Labels)) {
				problems = append(problems, fmt.Sprintf("%s Deployment/%s: spec.selector does not match the pod template labels", o.where, o.name))
			}
		case *appsv1.StatefulSet:
			templates = append(templates, podTemplate{"StatefulSet/" + o.name, v.Spec.Template.Labels, &v.Spec.Template.Spec})
		case *batchv1.CronJob:
			templates = append(templates, podTemplate{"CronJob/" + o.name, v.Spec.JobTemplate.Spec.Template.Labels, &v.Spec.JobTemplate.Spec.Template.Spec})
		case *batchv1.Job:
			templates = append(templates, podTemplate{"Job/" + o.name, v.Spec.Template.Labels, &v.Spec.Template.Spec})
		}
	}
	matchesSome := func(where, what string, sel labels.Selector) {
		for _, t := range templates {
			if sel.Matches(t.labels) {
				return
			}
		}
		problems = append(problems, fmt.Sprintf("%s %s: selector %q matches no pod template", where, what, sel.String()))
	}
	for _, o := range objs {
		switch v := o.value.(type) {
		case *corev1.Service:
			if len(v.Spec.Selector) > 0 {
				matchesSome(o.where, "Service/"+o.name, labels.SelectorFromSet(v.Spec.Selector))
			}
		case *policyv1.PodDisruptionBudget:
			if sel, err := metav1.LabelSelectorAsSelector(v.Spec.Selector); err == nil {
				matchesSome(o.where, "PodDisruptionBudget/"+o.name, sel)
			}
		case *autoscalingv2.HorizontalPodAutoscaler:
			target := v.Spec.ScaleTargetRef.Kind + "/" + v.Spec.ScaleTargetRef.Name
			if !names[target] {
				problems = append(problems, fmt.Sprintf("%s HorizontalPodAutoscaler/%s: scaleTargetRef %s is not in the input", o.where, o.name, target))
			}
			if v.Spec.MinReplicas != nil && *v.Spec.MinReplicas > v.Spec.MaxReplicas {
				problems = append(problems, fmt.Sprintf("%s HorizontalPodAutoscaler/%s: minReplicas above maxReplicas", o.where, o.name))
			}
		case *monitoringv1.PodMonitor:
			if sel, err := metav1.LabelSelectorAsSelector(&v.Spec.Selector); err == nil {
				matchesSome(o.where, "PodMonitor/"+o.name, sel)
			}
		case *networkingv1.NetworkPolicy:
			if sel, err := metav1.LabelSelectorAsSelector(&v.Spec.PodSelector); err == nil && !sel.Empty() {
				matchesSome(o.where, "NetworkPolicy/"+o.name, sel)
			}
		}
	}
	// References from pod templates to objects in the same input.
	for _, t := range templates {
		ref := func(kind, name string) {
			if name != "" && !names[kind+"/"+name] {
				problems = append(problems, fmt.Sprintf("%s: references %s/%s, which is not in the input", t.owner, kind, name))
			}
		}
		if t.spec.ServiceAccountName != "" {
			ref("ServiceAccount", t.spec.ServiceAccountName)
		}
		for _, vol := range t.spec.Volumes {
			if vol.ConfigMap != nil {
				ref("ConfigMap", vol.ConfigMap.Name)
			}
			if vol.CSI != nil && vol.CSI.Driver == "secrets-store.csi.k8s.io" {
				ref("SecretProviderClass", vol.CSI.VolumeAttributes["secretProviderClass"])
			}
		}
		for _, c := range append(append([]corev1.Container{}, t.spec.InitContainers...), t.spec.Containers...) {
			for _, ef := range c.EnvFrom {
				if ef.ConfigMapRef != nil {
					ref("ConfigMap", ef.ConfigMapRef.Name)
				}
			}
			for _, e := range c.Env {
				if e.ValueFrom != nil && e.ValueFrom.ConfigMapKeyRef != nil {
					ref("ConfigMap", e.ValueFrom.ConfigMapKeyRef.Name)
				}
			}
			mounts := map[string]bool{}
			for _, vol := range t.spec.Volumes {
				mounts[vol.Name] = true
			}
			for _, m := range c.VolumeMounts {
				if !mounts[m.Name] {
					problems = append(problems, fmt.Sprintf("%s: container %s mounts volume %q, which the pod does not define", t.owner, c.Name, m.Name))
				}
			}
		}
	}
	sort.Strings(problems)
	return problems
}
