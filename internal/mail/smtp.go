package mail

import (
	"context"
	"errors"
	"fmt"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// SMTPConfig says how to reach the SMTP server.
type SMTPConfig struct {
	Host     string
	Port     int
	Username string
	Password string
	From     string
	TLS      string // "starttls" (required), "tls" (implicit, port 465) or "none"
}

// SMTP sends through an SMTP server.
type SMTP struct{ cfg SMTPConfig }

// NewSMTP checks the configuration and returns a Mailer.
func NewSMTP(cfg SMTPConfig) (*SMTP, error) {
	if cfg.Host == "" {
		return nil, fmt.Errorf("mail: SMTP host is empty")
	}
	return &SMTP{cfg: cfg}, nil
}

// Send implements Mailer: one connection per message, which is plenty for
// the volumes a city sends and keeps failures independent.
func (s *SMTP) Send(ctx context.Context, m Message) error {
	msg, err := s.msg(m)
	if err != nil {
		return err
	}
	c, err := s.client()
	if err != nil {
		return err
	}
	if err := c.DialAndSendWithContext(ctx, msg); err != nil {
		return fmt.Errorf("mail: send: %w", err)
	}
	return nil
}

// SendBatch implements BatchMailer: the messages go over one connection,
// each with its own outcome (a refused recipient fails only its message).
func (s *SMTP) SendBatch(ctx context.Context, ms []Message) []error {
	errs := make([]error, len(ms))
	var msgs []*gomail.Msg
	var at []int
	for i, m := range ms {
		msg, err := s.msg(m)
		if err != nil {
			errs[i] = err
			continue
		}
		msgs, at = append(msgs, msg), append(at, i)
	}
	if len(msgs) == 0 {
		return errs
	}
	c, err := s.client()
	if err == nil {
		err = c.DialAndSendWithContext(ctx, msgs...) // each message keeps its own error too
	}
	for k, msg := range msgs {
		switch {
		case msg.HasSendError():
			errs[at[k]] = fmt.Errorf("mail: send: %w", msg.SendError())
		case err != nil && !msg.IsDelivered():
			errs[at[k]] = fmt.Errorf("mail: send: %w", err) // the connection failed
		}
	}
	return errs
}

// Permanent tells a delivery the server refused for good (an SMTP 5xx
// reply: no such mailbox, rejected), as opposed to one worth retrying.
func Permanent(err error) bool {
	se, ok := errors.AsType[*gomail.SendError](err)
	return ok && se.ErrorCode() >= 500 && se.ErrorCode() < 600
}

func (s *SMTP) msg(m Message) (*gomail.Msg, error) {
	msg := gomail.NewMsg()
	if err := msg.From(s.cfg.From); err != nil {
		return nil, fmt.Errorf("mail: from: %w", err)
	}
	if err := msg.To(m.To); err != nil {
		return nil, fmt.Errorf("mail: to: %w", err)
	}
	msg.Subject(m.Subject)
	msg.SetDate()
	msg.SetMessageID()
	for k, v := range m.Headers {
		msg.SetGenHeader(gomail.Header(k), v)
	}
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	if m.HTML != "" {
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	}
	return msg, nil
}

func (s *SMTP) client() (*gomail.Client, error) {
	opts := []gomail.Option{gomail.WithPort(s.cfg.Port), gomail.WithTimeout(30 * time.Second)}
	switch s.cfg.TLS {
	case "tls":
		opts = append(opts, gomail.WithSSL())
	case "none":
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	}
	if s.cfg.Username != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthPlain),
			gomail.WithUsername(s.cfg.Username), gomail.WithPassword(s.cfg.Password))
	}
	c, err := gomail.NewClient(s.cfg.Host, opts...)
	if err != nil {
		return nil, fmt.Errorf("mail: smtp client: %w", err)
	}
	return c, nil
}
